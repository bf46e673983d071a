"""The web server serves a question's picture at /anh/<key>, where Zalo fetches it."""

from __future__ import annotations

import io
import zipfile

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.app import App
from tests.support.client import Person
from tests.support.pictures import PICTURES, use_pictured_bank
from tests.web.bank_files import HEADER
from tests.web.support import Browser, link_from_chat


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


async def test_a_zip_with_pictures_uploaded_on_the_dashboard_stores_them(
    app: App, organiser: Person, browser: Browser
) -> None:
    lines = [HEADER.rstrip("\n") + ",Ảnh\n"]
    lines += [
        f"Câu {i} có ảnh?,Một {i},Hai {i},Ba {i},Bốn {i},B,,,images/anh-{i % 2}.png\n"
        for i in range(12)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("co-anh.csv", "".join(lines).encode("utf-8"))
        archive.writestr("images/anh-0.png", PICTURES["images/anh-0.png"])
        archive.writestr("images/anh-1.png", PICTURES["images/anh-1.png"])
    form = FormData()
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    form.add_field("csrf", browser.csrf())
    form.add_field("file", buffer.getvalue(), filename="co-anh.zip")
    await browser.post("/quan-tri/cau-hoi/tai-len", form)
    assert "Tệp hợp lệ: 12 câu hỏi." in browser.text

    await browser.post("/quan-tri/cau-hoi/thay", {})

    active = await app.svc.questions.active()
    assert len(active) == 12
    stored = {await app.svc.questions.image(q.image) for _, q in active}
    assert stored == {
        ("image/png", PICTURES["images/anh-0.png"]),
        ("image/png", PICTURES["images/anh-1.png"]),
    }
