"""A webhook URL the platform will not call (plain http) stops `quizbot run` at once, in one
clear message, before asking anything of the platform: not with a traceback once setWebhook
is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigurationError, Settings
from tests.fake_zalo import FakeZalo
from tests.support.process import free_port, spawn_quizbot
from tests.zalo.process import environment

REFUSED = "ZALO_WEBHOOK_URL must be an https:// address, the only kind the platform calls"


async def test_an_http_webhook_url_stops_the_start_in_one_message_before_calling_zalo(
    tmp_path: Path,
) -> None:
    async with FakeZalo() as zl:
        env = environment(
            tmp_path, zl, mode="webhook", secret="s3cret-Zalo_hook", port=free_port(), tg=None
        )
        url = "http://quiz.example.gov.vn"
        bot = await spawn_quizbot(tmp_path, env | {"ZALO_WEBHOOK_URL": url, "COLUMNS": "200"})
        code = await bot.exited()

        assert zl.calls_made == []  # not even getMe
    said = bot.log
    assert code == 2, said
    assert f"Cấu hình chưa đúng: {REFUSED} (it is '{url}')" in said
    assert "Traceback" not in said


def zalo_webhook(url: str) -> Settings:
    return Settings(
        zalo_bot_token="1:t",
        zalo_mode="webhook",
        zalo_webhook_url=url,
        zalo_webhook_secret="s3cret-Zalo_hook",
        _env_file=None,
    )


@pytest.mark.parametrize(
    "url",
    ["http://quiz.example.gov.vn", "http://203.0.113.7:8443", "quiz.example.gov.vn", "https://"],
)
def test_webhook_urls_zalo_would_not_call_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match=REFUSED):
        zalo_webhook(url).check_channels()


@pytest.mark.parametrize(
    "url", ["https://quiz.example.gov.vn", "http://127.0.0.1:8080", "http://localhost:8080"]
)
def test_https_and_this_machine_for_local_fakes_are_accepted(url: str) -> None:
    zalo_webhook(url).check_channels()
