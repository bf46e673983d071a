"""Where the web server listens and the address people reach it at."""

from __future__ import annotations

import pytest

from bot.config import Settings


def test_it_listens_on_this_machine_only_by_default() -> None:
    s = Settings(_env_file=None)
    assert (s.web_host, s.web_port) == ("127.0.0.1", 8080)
    assert s.public_url() == "http://127.0.0.1:8080"


def test_the_old_webhook_names_still_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_HOST", "0.0.0.0")
    monkeypatch.setenv("WEBHOOK_PORT", "8443")
    s = Settings(_env_file=None)
    assert (s.web_host, s.web_port) == ("0.0.0.0", 8443)
    monkeypatch.setenv("WEB_PORT", "9000")
    assert Settings(_env_file=None).web_port == 9000  # the new name wins


def test_links_use_the_public_address_without_a_trailing_slash() -> None:
    s = Settings(_env_file=None, public_base_url="https://quiz.example.gov.vn/")
    assert s.public_url() == "https://quiz.example.gov.vn"
