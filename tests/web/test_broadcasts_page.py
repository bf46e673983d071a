"""Broadcasts from the dashboard: preview as participants see it, an audience, progress."""

from __future__ import annotations

from bot.app import App
from bot.broadcast import Broadcaster
from handlers.events import Reply
from handlers.texts import plain
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat


class Recorder:
    """A channel that accepts every message and remembers who got what."""

    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        for r in replies:
            self.sent.append((user_id, plain(getattr(r, "text", ""))))


async def _people(app: App) -> None:
    for uid, name, phone, locality in [
        ("1", "Nguyễn Văn An", "0912345678", "Hoa Lư"),
        ("2", "Trần Thị Bình", "0987654321", "Kim Sơn"),
        ("3", "Lê Văn Cường", "0355111222", "Hoa Lư"),
    ]:
        await Person.on(app, "telegram", uid, name).register(
            name=name, phone=phone, locality=locality
        )


async def test_an_organiser_previews_then_sends_to_one_locality_and_sees_it_finish(
    app: App, organiser: Person, browser: Browser
) -> None:
    await _people(app)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/thong-bao")
    text = "Thi <b>ngay</b> & nhận giải!"
    await browser.post(
        "/quan-tri/thong-bao/xem-truoc", {"text": text, "audience": "locality:Hoa Lư"}
    )
    assert "Thông báo sẽ gửi tới 2 người (Người đăng ký ở Hoa Lư)." in browser.text
    # As participants will see it: the catalogue's heading, the text exactly as typed.
    assert "📣 Thông báo của Ban Tổ chức Thi <b>ngay</b> & nhận giải!" in browser.text
    assert "<b>ngay</b>" not in browser.last
    code = browser.hidden("code")
    form = {"text": text, "audience": "locality:Hoa Lư", "code": code}
    await browser.post("/quan-tri/thong-bao/gui", form)
    (sent,) = [b for b in await app.svc.broadcasts.recent(10) if b.key is None]
    assert f"Thông báo #{sent.id}" in browser.text
    assert "Đã gửi 0, lỗi 0, còn lại 2" in browser.text
    assert "Đang gửi" in browser.text
    entry = (await app.svc.audit.recent(1))[0]
    assert (entry.actor, entry.action) == (ORGANISER, "broadcast.start")
    assert entry.detail["audience"] == "locality:Hoa Lư"

    channel = Recorder()
    await Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": 1000}).run_once()  # type: ignore[dict-item]
    assert sorted(uid for uid, _ in channel.sent) == ["1", "3"]
    assert channel.sent[0][1] == "📣 Thông báo của Ban Tổ chức\n\nThi <b>ngay</b> & nhận giải!"
    await browser.get(f"/quan-tri/thong-bao/{sent.id}?phan=tien-do")
    assert "Đã xử lý 100 %" in browser.text
    assert "Đã gửi 2, lỗi 0, còn lại 0 Đã gửi xong." in browser.text
    await browser.get("/quan-tri/thong-bao")
    assert "📣 Thông báo của Ban Tổ chức Thi <b>ngay</b> & nhận giải!" in browser.text
    assert "telegram:9001 · locality:Hoa Lư Đã gửi 2, lỗi 0, còn lại 0" in browser.text


async def test_one_rounds_participants_only(
    app: App, organiser: Person, browser: Browser, person: Person
) -> None:
    await _people(app)
    an = Person.on(app, "telegram", "1", "An")
    await an.take_attempt(correct=3, prediction=2)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/thong-bao")
    assert "Những người đã thi Quý 1" in browser.text
    assert "Những người đã thi Quý 2" not in browser.text  # not opened yet
    await browser.post(
        "/quan-tri/thong-bao/xem-truoc", {"text": "Chúc mừng", "audience": "round:2023-Q1"}
    )
    assert "Thông báo sẽ gửi tới 1 người" in browser.text


async def test_an_empty_or_too_long_text_or_an_unknown_audience_sends_nothing(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    before = await app.svc.broadcasts.recent()
    await browser.get("/quan-tri/thong-bao")
    token = browser.csrf()
    for text, audience in [("   ", "all"), ("x" * 3501, "all"), ("Xin chào", "locality:Hà Nội")]:
        form = {"csrf": token, "text": text, "audience": audience}
        await browser.post("/quan-tri/thong-bao/xem-truoc", form, csrf=False)
        assert browser.status == 200
        assert "Nội dung cần từ 1 đến 3.500 ký tự" in browser.text
        await browser.post("/quan-tri/thong-bao/gui", form, csrf=False)
        assert browser.status == 422
    assert await app.svc.broadcasts.recent() == before
