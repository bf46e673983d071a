"""Webhooks refuse every request that does not carry the secret, on Telegram's path and Zalo's.

The whole runtime of `quizbot run` runs in this process in webhook mode for both platforms,
sharing one server on 127.0.0.1, against the fake Telegram and Zalo servers. POSTs with no
secret, a wrong one, one differing in case, padded, truncated or empty are answered 401 and
nothing is handled (no reply is ever sent); the right secret is answered and handled once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import App
from bot.config import ConfigurationError, Settings
from bot.runtime import Runtime
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.telegram.process import TOKEN, free_port

TG_SECRET = "Tg-webhook_Secret-123"
ZL_SECRET = "zalo-Webhook-secret-456"
TG_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZL_HEADER = "X-Bot-Api-Secret-Token"


def forged(secret: str) -> list[dict[str, str] | None]:
    """Header sets that must all be refused: none, empty, wrong, near misses.

    (Spaces around a header value are not part of it in HTTP, so a padded secret is the secret.)
    """
    return [
        None,
        {},
        {"X-Other": secret},
        {"SECRET": secret},
        *(
            {"name": value}
            for value in (
                "",
                "wrong",
                secret.upper(),
                secret.lower(),
                secret[:-1],
                secret + "x",
                secret * 2,
            )
        ),
    ]


def telegram_update(update_id: int, user_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Kẻ"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Kẻ"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def zalo_update(message_id: str, user_id: str) -> dict[str, Any]:
    return {
        "ok": True,
        "result": {
            "event_name": "message.text.received",
            "message": {
                "from": {"id": user_id, "display_name": "Kẻ"},
                "chat": {"id": user_id, "chat_type": "PRIVATE"},
                "text": "/start",
                "message_id": message_id,
                "date": int(time.time() * 1000),
            },
        },
    }


async def test_webhook_posts_without_the_right_secret_are_refused_and_ignored(app: App) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    async with FakeTelegram(TOKEN) as tg, FakeZalo() as zl:
        tg.user(77, "Kẻ")
        zl.user("z77", "Kẻ")
        app.settings = app.settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(TOKEN),
                "telegram_api_base": tg.base_url,
                "telegram_mode": "webhook",
                "telegram_webhook_url": base,
                "telegram_webhook_secret": SecretStr(TG_SECRET),
                "zalo_bot_token": SecretStr(zl.token),
                "zalo_api_base": zl.base_url,
                "zalo_mode": "webhook",
                "zalo_webhook_url": base,
                "zalo_webhook_secret": SecretStr(ZL_SECRET),
                "web_host": "127.0.0.1",
                "web_port": port,
            }
        )
        running = asyncio.create_task(Runtime(app).run(stop=stop))
        try:
            await tg.wait_for(lambda: tg.webhook_url and zl.webhook_url, 10)
            assert (tg.webhook_secret, zl.webhook_secret) == (TG_SECRET, ZL_SECRET)
            tg_path = base + app.settings.telegram_webhook_path
            zl_path = base + app.settings.zalo_webhook_path
            async with aiohttp.ClientSession() as http:

                async def post(url: str, body: Any, headers: dict[str, str] | None) -> int:
                    async with http.post(url, json=body, headers=headers) as resp:
                        return resp.status

                for i, headers in enumerate(forged(TG_SECRET), start=1):
                    named = {TG_HEADER if k == "name" else k: v for k, v in (headers or {}).items()}
                    assert await post(tg_path, telegram_update(i, 77), named) == 401, named
                for i, headers in enumerate(forged(ZL_SECRET), start=1):
                    named = {ZL_HEADER if k == "name" else k: v for k, v in (headers or {}).items()}
                    assert await post(zl_path, zalo_update(f"m{i}", "z77"), named) == 401, named
                async with http.get(tg_path, headers={TG_HEADER: TG_SECRET}) as resp:
                    assert resp.status == 405
                # Nothing refused was handled: no reply, no de-duplication key written.
                assert tg.sent_to(77) == []
                assert zl.sent_to("z77") == []
                assert await app.store.redis.keys("*upd*") == []

                # The right secret works, once per update.
                good = telegram_update(1000, 77)
                for _ in range(2):
                    assert await post(tg_path, good, {TG_HEADER: TG_SECRET}) == 200
                await tg.wait_for_text(77, "Xin chào")
                good_zalo = zalo_update("m1000", "z77")
                for _ in range(2):
                    assert await post(zl_path, good_zalo, {ZL_HEADER: ZL_SECRET}) == 200
                await zl.wait_for_text("z77", "Xin chào")
                await asyncio.sleep(0)  # let a second handling, if any, start
            assert len(tg.sent_to(77)) == 1
            assert len(zl.sent_to("z77")) == 1
        finally:
            stop.set()
            await asyncio.wait_for(running, 15)


def test_a_webhook_with_an_empty_secret_is_not_configured() -> None:
    settings = Settings(_env_file=None, telegram_webhook_secret="", zalo_webhook_secret="")
    assert settings.telegram_webhook_secret is None
    assert settings.zalo_webhook_secret is None


@pytest.mark.parametrize("secret", ["", "short"])
async def test_the_runtime_refuses_to_serve_a_webhook_without_a_usable_secret(
    app: App, secret: str
) -> None:
    async with FakeZalo() as zl:
        app.settings = app.settings.model_copy(
            update={
                "zalo_bot_token": SecretStr(zl.token),
                "zalo_api_base": zl.base_url,
                "zalo_mode": "webhook",
                "zalo_webhook_url": "http://127.0.0.1:1",
                "zalo_webhook_secret": SecretStr(secret) if secret else None,
                "web_host": "127.0.0.1",
                "web_port": free_port(),
            }
        )
        with pytest.raises(ConfigurationError, match="ZALO_WEBHOOK_SECRET"):
            await Runtime(app).run(stop=asyncio.Event())
