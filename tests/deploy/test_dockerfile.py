"""deploy/Dockerfile: what can be checked without Docker (which cannot run here). Every file it
copies is in the repository, it installs the project and runs `quizbot run` as a user that is
not root, and the build context leaves the tokens (.env) and local data out."""

from __future__ import annotations

import fnmatch
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments left out."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_every_file_the_image_copies_is_in_the_repository() -> None:
    copies = [shlex.split(args)[:-1] for word, args in instructions() if word == "COPY"]
    assert copies
    for sources in copies:
        for source in sources:
            assert (ROOT / source).exists(), source


def test_the_image_installs_the_project_and_runs_the_bot_as_another_user() -> None:
    steps = instructions()
    runs = " ".join(args for word, args in steps if word == "RUN")
    assert "pip install ." in runs
    assert "useradd --system" in runs
    users = [args for word, args in steps if word == "USER"]
    assert users == ["quizbot"]
    assert steps[-1] == ("CMD", '["quizbot", "run"]')
    # The user comes before the command: nothing the bot does runs as root.
    assert steps.index(("USER", "quizbot")) < len(steps) - 1


def test_the_build_context_leaves_out_the_tokens_and_local_data() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def left_out(path: str) -> bool:
        return any(fnmatch.fnmatch(path, pattern) for pattern in ignored)

    for path in (".env", "deploy/.env", ".venv", "data", "sub/quizbot.db", ".git"):
        assert left_out(path), path
    for path in ("bot", "contest.yaml", "pyproject.toml", "questions"):
        assert not left_out(path), path
