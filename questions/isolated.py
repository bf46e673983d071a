"""Loading an uploaded bank in a child process with memory and CPU-time limits.

A bank file comes from outside, and parsing one is the bot's most expensive work per byte:
the readers refuse what they know to be hostile (YAML aliases, zip bombs, too many strings,
cells or options), and whatever slips past them runs in `python -m questions.child`, a child
process whose address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) are limited. The
parent awaits the child without blocking its event loop, so the bot keeps serving while a
file is parsed, and a child stopped by a limit (or by the wall-clock timeout) is a refusal
with a clear message, like any other bad file.

The child (questions/child.py) reads the file from its stdin and writes the bank, or the
problems found, as JSON on its stdout: the parent builds nothing from the child but plain
values.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questions.bank import (
    MAX_FILE_BYTES,
    Bank,
    BankError,
    ImageReader,
    check_upload,
    read_bank_file,
    with_images,
)
from questions.child import OUT_OF_MEMORY
from questions.images import open_zip, read_beside
from questions.model import Question

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What the child may use: address space, CPU time, and time on the clock.

    A real bank of 5,000 questions takes about 70 MB and 1.5-2 s of CPU to load (XLSX, the
    most costly format); the defaults leave room for several times that. A child waiting on
    a busy machine uses no CPU time, so the clock bounds its life in any case.
    """

    memory_bytes: int = 768 * 1024 * 1024
    cpu_seconds: int = 20
    wall_seconds: float = 90.0


_ROOT = Path(__file__).resolve().parents[1]

TOO_MUCH_MEMORY = "tệp cần quá nhiều bộ nhớ để đọc, không phải một ngân hàng câu hỏi bình thường"
TOO_MUCH_TIME = "tệp cần quá nhiều thời gian để đọc, không phải một ngân hàng câu hỏi bình thường"
UNREADABLE = "không đọc được tệp này"


async def load_bank_isolated(
    data: bytes, filename: str, limits: Limits = Limits(), images: ImageReader | None = None
) -> Bank:
    """Load an uploaded bank as load_bank_bytes does, but in a limited child process (a ZIP
    is opened here, its bank file parsed there, its pictures read and checked here).

    Raises BankError, as load_bank_bytes does, for a bad file and for one that takes the
    child past its memory or CPU-time limit.
    """
    filename = check_upload(data, filename)  # what is refused without reading the file
    if filename.lower().endswith(".zip"):
        contents = open_zip(data, MAX_FILE_BYTES)
        if isinstance(contents, str):
            raise BankError([(filename, contents)])
        return await load_bank_isolated(
            contents.bank_data, contents.bank_name, limits, images=contents.read
        )
    bank = await _parsed_in_child(data, filename, limits)
    return with_images(bank, filename, images)


async def _parsed_in_child(data: bytes, filename: str, limits: Limits) -> Bank:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "questions.child",
        json.dumps(filename),  # any character a name may hold (NUL included) in ASCII
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_child_environment(),
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(data), limits.wall_seconds)
    except TimeoutError:
        log.warning("parsing %s took more than %s s: stopped", filename, limits.wall_seconds)
        raise BankError([(filename, TOO_MUCH_TIME)]) from None
    finally:
        if child.returncode is None:  # timed out, or the caller was cancelled
            child.kill()
            await child.wait()
    return _result(filename, child.returncode, out, err)


def load_bank_file_isolated(path: Path) -> Bank:
    """Load a bank file (the command line's import and validate) as load_bank_isolated does."""
    filename, data = read_bank_file(path)
    return asyncio.run(
        load_bank_isolated(data, filename, images=lambda name: read_beside(path, name))
    )


def _child_environment() -> dict[str, str]:
    """Nothing of the parent's environment (its secrets) but where to find this package."""
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(_ROOT), *inherited]),
        "PYTHONUTF8": "1",
    }


def _result(filename: str, code: int | None, out: bytes, err: bytes) -> Bank:
    if code == 0:
        answer = json.loads(out)
        if "problems" in answer:
            raise BankError(
                [(str(where), str(problem)) for where, problem in answer["problems"]],
                more=int(answer["more"]),
            )
        return _bank_of(answer["bank"])
    if code == OUT_OF_MEMORY:
        log.warning("parsing %s ran out of memory: refused", filename)
        raise BankError([(filename, TOO_MUCH_MEMORY)])
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        log.warning("parsing %s ran out of CPU time: refused", filename)
        raise BankError([(filename, TOO_MUCH_TIME)])
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    log.error("parsing %s failed (exit %s): %s", filename, code, last[0][:200])
    raise BankError([(filename, UNREADABLE)])


def _bank_of(value: dict[str, Any]) -> Bank:
    return Bank(
        name=str(value["name"]),
        title=str(value["title"]),
        questions=[
            Question(
                text=str(q["text"]),
                options=tuple(str(o) for o in q["options"]),
                correct=int(q["correct"]),
                source=str(q["source"]),
                topic=str(q["topic"]),
                explanation=str(q.get("explanation", "")),
                image=str(q.get("image", "")),
            )
            for q in value["questions"]
        ],
    )
