"""deploy/compose.yaml, read as Docker Compose reads it: the bot, PostgreSQL and Redis, each
restarting by itself and checked for health, their data in named volumes, Redis keeping a live
attempt across its own restart, the bot's settings from .env and its web port on this machine
only. (Docker cannot run on the machine the tests run on, so the file is checked, not run.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_the_bot_postgresql_and_redis_are_the_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"bot", "postgres", "redis"}


def test_every_service_restarts_by_itself_and_has_a_health_check(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        assert service["restart"] == "unless-stopped", name
        check = service["healthcheck"]["test"]
        assert check[0] in ("CMD", "CMD-SHELL"), name
    assert "pg_isready" in compose["services"]["postgres"]["healthcheck"]["test"][1]
    assert compose["services"]["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
    assert "/healthz" in " ".join(compose["services"]["bot"]["healthcheck"]["test"])


def test_the_bot_starts_once_the_databases_are_healthy(compose: dict[str, Any]) -> None:
    assert compose["services"]["bot"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_what_must_last_is_in_named_volumes(compose: dict[str, Any]) -> None:
    named = set(compose["volumes"])
    mounts = {
        name: dict(v.split(":", 1) for v in service.get("volumes", []))
        for name, service in compose["services"].items()
    }
    assert mounts["postgres"] == {"postgres-data": "/var/lib/postgresql/data"}
    assert mounts["redis"] == {"redis-data": "/data"}
    assert mounts["bot"] == {"backups": "/backups", "results": "/app/data/results"}
    assert {v for m in mounts.values() for v in m} == named


def test_redis_keeps_live_attempts_in_its_append_only_file(compose: dict[str, Any]) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[0] == "redis-server"
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options["--appendonly"] == "yes"
    assert options["--appendfsync"] in ("everysec", "always")


def test_the_bot_takes_its_settings_from_env_and_reaches_the_other_services(
    compose: dict[str, Any],
) -> None:
    bot = compose["services"]["bot"]
    assert bot["env_file"] == ".env"
    env = bot["environment"]
    assert re.fullmatch(
        r"postgresql://quizbot:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/quizbot",
        env["DATABASE_URL"],
    )
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    postgres = compose["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert (postgres["POSTGRES_USER"], postgres["POSTGRES_DB"]) == ("quizbot", "quizbot")


def test_only_the_bots_web_port_is_published_and_only_on_this_machine(
    compose: dict[str, Any],
) -> None:
    assert compose["services"]["bot"]["ports"] == ["127.0.0.1:8080:8080"]
    assert compose["services"]["bot"]["environment"]["WEB_PORT"] == "8080"
    assert "ports" not in compose["services"]["postgres"]
    assert "ports" not in compose["services"]["redis"]


def test_the_bot_is_built_from_the_repositorys_dockerfile(compose: dict[str, Any]) -> None:
    build = compose["services"]["bot"]["build"]
    context = (COMPOSE.parent / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).is_file()
