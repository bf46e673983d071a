"""The jury on the dashboard: a closed round's provisional ranking with each entry's review
flags, the flagged bot-speed winner set aside with a reason (prizes move down the ranking),
restored, set aside again, then the results approved behind a confirmation. Every form needs
its token, a second press acts once, and each action is audited with the organiser's id."""

from __future__ import annotations

import re

from bot.app import App
from bot.clock import ManualClock
from handlers.announce import results_key
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import Planted, plant
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat, visible

PAGE = "/quan-tri/ket-qua/2023-Q1"
SPEED = "Trả lời nhanh bất thường: trung vị 0,4 giây một câu, câu lâu nhất 0,4 giây (10 câu)"


async def closed_with_cheaters(app: App, clock: ManualClock) -> Planted:
    planted = await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    return planted


def row(page: str, pid: int) -> str:
    """The text of one entry's row in the ranking."""
    found = re.search(rf'<tr data-entry="{pid}"[^>]*>(.*?)</tr>', page, flags=re.S)
    assert found, f"no row for entry {pid}"
    return visible(found.group(1))


def prizes(page: str, planted: Planted) -> dict[str, str]:
    """Who holds which prize on the ranking page."""
    out = {}
    for who, pid in planted.ids.items():
        for prize in ("Giải Nhất", "Giải Nhì", "Giải Ba"):
            if prize in row(page, pid):
                out[who] = prize
    return out


async def test_the_provisional_ranking_shows_each_entrys_flags_most_telling_first(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    planted = await closed_with_cheaters(app, clock)
    ids = planted.ids
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/ket-qua")
    assert "Quý 1 — Đã kết thúc · tạm thời (chờ phê duyệt)" in browser.text

    await browser.get(PAGE)
    text = browser.text
    assert "Kết quả tạm thời (chờ phê duyệt)" in text
    assert "Giải: 4 · Bài bị gắn cờ: 4 · Đã để riêng: 0" in text
    assert row(browser.last, ids["bot"]) == (
        f"1 ⚠ Bị gắn cờ: Lý Văn Máy *******001 Hoa Lư Người dân 10 5 9 giây Giải Nhất {SPEED} "
        "Để riêng"
    )
    zalo = row(browser.last, ids["zalo"])
    assert zalo.index("Đang tạm giữ: số gõ tay là số đã xác thực của bài khác") < zalo.index(
        f"Số điện thoại gõ tay, chưa xác thực; trùng số với bài #{ids['van']}"
    )
    assert "Dự đoán đúng bằng số người tham gia thực tế (7) khi mới có 4 người thi" in row(
        browser.last, ids["hung"]
    )
    assert "Thông tin nhận dạng bị sửa sau lượt thi đầu tiên (họ tên; ngày 20/02/2023)" in row(
        browser.last, ids["edited"]
    )
    assert "⚠" not in row(browser.last, ids["hai"])
    assert prizes(browser.last, planted) == {
        "bot": "Giải Nhất",
        "hung": "Giải Nhì",
        "edited": "Giải Ba",
        "hai": "Giải Ba",
    }
    # Nothing about certificates before approval.
    assert "Giấy chứng nhận có sau khi kết quả được phê duyệt." in text
    assert "giay-chung-nhan.zip" not in browser.last
    await browser.get(PAGE + "/giay-chung-nhan.zip")
    assert browser.status == 409

    await browser.get(PAGE + "?co=1")
    assert "Đang xem 4 bài bị gắn cờ hoặc đã để riêng, theo thứ hạng." in browser.text
    shown = re.findall(r'<tr data-entry="(\d+)"', browser.last)
    assert shown == [str(ids[w]) for w in ("bot", "zalo", "hung", "edited")]


async def test_setting_the_bot_aside_needs_a_reason_and_moves_the_prizes_down(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    planted = await closed_with_cheaters(app, clock)
    bot = planted.ids["bot"]
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(PAGE)
    await browser.get(f"{PAGE}/de-rieng/{bot}")
    assert "Để riêng bài của Lý Văn Máy (hạng 1)" in browser.text
    assert SPEED in browser.text

    await browser.post(f"{PAGE}/de-rieng/{bot}", {"reason": "   "})
    assert browser.status == 422
    assert "Cần ghi lý do (từ 1 đến 300 ký tự)." in browser.text
    await browser.post(f"{PAGE}/de-rieng/{bot}", {"reason": "x" * 301})
    assert browser.status == 422
    assert await app.svc.review.set_aside("2023-Q1") == {}

    form = {"csrf": browser.csrf(), "reason": "Trả lời 0,4 giây mỗi câu: máy"}
    await browser.post(f"{PAGE}/de-rieng/{bot}", form, csrf=False)
    assert browser.status == 200
    assert "Đã để riêng bài của Lý Văn Máy (hạng 1). Giải được xét lại theo thứ hạng." in (
        browser.text
    )
    assert row(browser.last, bot).startswith(
        "1 ⚠ Bị gắn cờ: Lý Văn Máy *******001 Hoa Lư Người dân 10 5 9 giây "
        "Đã để riêng: Trả lời 0,4 giây mỗi câu: máy (telegram:9001, 09:00 ngày 31/03/2023) "
        f"{SPEED} Khôi phục"
    )
    moved = {"hung": "Giải Nhất", "edited": "Giải Nhì", "hai": "Giải Ba", "hoa": "Giải Ba"}
    assert prizes(browser.last, planted) == moved
    # The same form sent again (a double click) sets it aside once.
    await browser.post(f"{PAGE}/de-rieng/{bot}", form, csrf=False)
    assert "Bài của Lý Văn Máy (hạng 1) đã được để riêng từ trước." in browser.text
    assert prizes(browser.last, planted) == moved
    audit = [e for e in await app.svc.audit.recent(20) if e.action == "round.set_aside"]
    assert [(e.actor, e.detail["participant"], e.detail["reason"]) for e in audit] == [
        (ORGANISER, bot, "Trả lời 0,4 giây mỗi câu: máy")
    ]

    # Restored, then restored again: once.
    await browser.post(f"{PAGE}/khoi-phuc/{bot}", {})
    assert "Đã khôi phục bài của Lý Văn Máy (hạng 1). Giải được xét lại theo thứ hạng." in (
        browser.text
    )
    assert prizes(browser.last, planted)["bot"] == "Giải Nhất"
    await browser.post(f"{PAGE}/khoi-phuc/{bot}", {})
    assert "Bài của Lý Văn Máy (hạng 1) không bị để riêng." in browser.text
    restores = [e for e in await app.svc.audit.recent(20) if e.action == "round.restore"]
    assert [e.actor for e in restores] == [ORGANISER]


async def test_forms_without_their_token_change_nothing(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    planted = await closed_with_cheaters(app, clock)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(PAGE)
    bot = planted.ids["bot"]
    await browser.post(f"{PAGE}/de-rieng/{bot}", {"reason": "máy"}, csrf=False)
    assert browser.status == 403
    await browser.post(f"{PAGE}/phe-duyet", {"csrf": "doan-bua"}, csrf=False)
    assert browser.status == 403
    assert await app.svc.review.set_aside("2023-Q1") == {}
    assert (await app.svc.rounds.get("2023-Q1")).approved_at is None  # type: ignore[union-attr]


async def test_approval_asks_first_acts_once_and_freezes_the_controls(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    planted = await closed_with_cheaters(app, clock)
    ids = planted.ids
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(f"{PAGE}/de-rieng/{ids['bot']}")
    await browser.post(f"{PAGE}/de-rieng/{ids['bot']}", {"reason": "Máy trả lời"})

    await browser.get(f"{PAGE}/phe-duyet")
    text = browser.text
    assert "Phê duyệt kết quả Quý 1?" in text
    assert "4 người đạt giải sẽ được chúc mừng" in text
    assert (
        "Giải Nhất: Phan Văn Hùng (Hoa Lư) Giải Nhì: Vũ Văn Sửa Đổi (Hoa Lư) "
        "Giải Ba: Ngô Văn Hải (Hoa Lư) Giải Ba: Bùi Thị Hoa (Hoa Lư)"
    ) in text
    # Only the confirmation approves: opening it changed nothing.
    assert (await app.svc.rounds.get("2023-Q1")).approved_at is None  # type: ignore[union-attr]
    form = {"csrf": browser.csrf()}
    await browser.post(f"{PAGE}/phe-duyet", form, csrf=False)
    text = browser.text
    assert "Đã phê duyệt kết quả Quý 1." in text
    assert "Kết quả đã phê duyệt bởi telegram:9001 lúc 09:00 ngày 31/03/2023" in text
    assert "Người đạt giải đã chốt: không thể để riêng hay khôi phục bài nào nữa." in text
    assert "/de-rieng/" not in browser.last
    assert "/khoi-phuc/" not in browser.last
    assert "/phe-duyet" not in browser.last
    assert "giay-chung-nhan.zip" in browser.last
    await browser.post(f"{PAGE}/phe-duyet", form, csrf=False)
    assert "Kết quả Quý 1 đã được phê duyệt từ trước." in browser.text
    approvals = [e for e in await app.svc.audit.recent(30) if e.action == "round.approve"]
    assert [e.actor for e in approvals] == [ORGANISER]
    # Announced: the winners' list is on its way to everyone who took part.
    assert await app.svc.broadcasts.by_key(results_key("2023-Q1")) is not None

    # After approval nothing can be set aside (a form kept open from before is refused).
    await browser.get(PAGE)
    await browser.post(f"{PAGE}/de-rieng/{ids['hung']}", {"reason": "thử"})
    assert browser.status == 409
    assert "Kết quả đợt này đã được phê duyệt: không thể để riêng hay khôi phục bài nào nữa." in (
        browser.text
    )
    await browser.get(PAGE)
    await browser.post(f"{PAGE}/khoi-phuc/{ids['bot']}", {})
    assert browser.status == 409
    assert set(await app.svc.review.set_aside("2023-Q1")) == {ids["bot"]}
    await browser.get("/quan-tri/ket-qua")
    assert "Quý 1 — Đã kết thúc · đã phê duyệt" in browser.text


async def test_an_open_round_cannot_be_approved(
    app: App, organiser: Person, browser: Browser, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=6, prediction=2)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(PAGE)
    assert "Phê duyệt kết quả" not in browser.text
    await browser.post(f"{PAGE}/phe-duyet", {})
    assert browser.status == 409
    assert "Quý 1 chưa kết thúc: chỉ xét duyệt được kết quả của đợt đã đóng." in browser.text
