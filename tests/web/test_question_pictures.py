"""The web server serves a question's picture at /anh/<key>, where Zalo fetches it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.app import App
from tests.support.pictures import PICTURES, use_pictured_bank


async def test_a_stored_picture_is_served_with_its_type_and_an_unknown_one_is_not(
    app: App, client: TestClient[object, object]
) -> None:
    await use_pictured_bank(app)
    key = (await app.svc.questions.active())[0][1].image

    async with client.get(f"/anh/{key}") as resp:
        assert resp.status == 200
        assert resp.content_type == "image/png"
        assert await resp.read() == PICTURES["images/anh-0.png"]
    async with client.get("/anh/khong-co.png") as resp:
        assert resp.status == 404
