"""The organisers review in chat: /admin → ⚖️ → the round → winners and flagged entries page
by page, setting one aside with a typed reason, restoring it, approving behind a
confirmation; an old or doubled tap acts once."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers.jury import review
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import Planted, plant
from tests.support.client import Person

ORGANISER = "9000"


@pytest.fixture
async def planted(app: App, clock: ManualClock) -> Planted:
    app.svc.admins = frozenset({f"telegram:{ORGANISER}"})
    planted = await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    return planted


async def reviewing(app: App) -> Person:
    organiser = Person.on(app, "telegram", ORGANISER, "Ban Tổ chức")
    await organiser.send("/admin")
    await organiser.tap("⚖️ Xét duyệt kết quả")
    await organiser.tap("Quý 1")
    return organiser


def token(person: Person, label: str) -> str:
    for message in reversed(person.messages()):
        for row in message.buttons:
            for button in row:
                if button.label == label:
                    return button.token
    raise AssertionError(f"no button {label!r}")


async def winners(app: App) -> dict[int, str]:
    return {w.participant_id: w.tier for w in await app.svc.winners.of_round("2023-Q1")}


async def test_the_review_lists_winners_and_flags_page_by_page(
    app: App, planted: Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    organiser = await reviewing(app)

    page = organiser.said
    assert "Xét duyệt kết quả Quý 1 — tạm tính, chưa công bố" in page
    assert "Người tham gia: 7 · Giải: 4 · Bài có cảnh báo: 4 · Để riêng: 0" in page
    assert "Trang 1/3" in page
    assert f"#1 Lý Văn Máy (Hoa Lư) — bài #{planted.ids['bot']}: 10 câu đúng" in page
    assert "— 🏅 Giải Nhất" in page
    assert "⚠️ Trả lời nhanh bất thường: trung vị 0,4 giây một câu" in page
    assert "⛔ không xét giải: bài thi đang tạm giữ do tranh chấp số điện thoại" in page
    assert organiser.offered("⛔ Để riêng #1")
    assert not organiser.offered("◀️ Trang trước")
    await organiser.tap("Trang sau ▶️")
    await organiser.tap("Trang sau ▶️")
    assert "Trang 3/3" in organiser.said
    assert "#5 Ngô Văn Hải" in organiser.said
    assert "Bùi Thị Hoa" not in organiser.said  # neither a winner nor flagged
    assert not organiser.offered("Trang sau ▶️")
    await organiser.tap("◀️ Trang trước")
    assert "#3 Phan Văn Hùng" in organiser.said


async def test_setting_aside_asks_a_reason_then_moves_the_prizes(
    app: App, planted: Planted
) -> None:
    organiser = await reviewing(app)
    aside = token(organiser, "⛔ Để riêng #1")
    await organiser.tap("⛔ Để riêng #1")
    assert "Bạn gõ lý do để riêng bài #1 (Lý Văn Máy) của Quý 1." in organiser.said

    await organiser.send("x" * 301)
    assert "Cần ghi lý do (từ 1 đến 300 ký tự)." in organiser.said
    assert await app.svc.review.set_aside("2023-Q1") == {}
    await organiser.send("Máy trả lời 0,4 giây mỗi câu")

    assert "Đã để riêng bài #1 (Lý Văn Máy). Giải được xét lại theo thứ hạng." in organiser.said
    assert "⛔ Đã để riêng: Máy trả lời 0,4 giây mỗi câu (telegram:9000," in organiser.said
    assert (await winners(app))[planted.ids["hung"]] == "first"
    # The button shown before acts no more.
    await organiser.tap_token(aside)
    assert organiser.notices() == ["Nút này không còn hiệu lực."]
    [held] = (await app.svc.review.set_aside("2023-Q1")).values()
    assert held.reason == "Máy trả lời 0,4 giây mỗi câu"

    await organiser.tap("↩️ Khôi phục #1")
    assert "Đã khôi phục bài #1 (Lý Văn Máy)." in organiser.said
    assert (await winners(app))[planted.ids["bot"]] == "first"


async def test_approval_asks_for_confirmation_and_freezes_the_review(
    app: App, planted: Planted
) -> None:
    panel = Person.on(app, "telegram", ORGANISER, "Ban Tổ chức")
    await panel.send("/admin")
    assert "⚖️ Kết quả chờ Ban Giám khảo phê duyệt: Quý 1" in panel.said
    organiser = await reviewing(app)
    await organiser.tap("✅ Phê duyệt kết quả")
    assert "Phê duyệt kết quả Quý 1?" in organiser.said
    assert "4 người đạt giải sẽ được chúc mừng" in organiser.said
    await organiser.tap("Huỷ")
    assert organiser.said == "Đã huỷ."
    rnd = await app.svc.rounds.get("2023-Q1")
    assert rnd is not None
    assert rnd.approved_at is None

    organiser = await reviewing(app)
    await organiser.tap("✅ Phê duyệt kết quả")
    yes = token(organiser, "✅ Phê duyệt và công bố")
    await organiser.tap("✅ Phê duyệt và công bố")
    assert "Đã phê duyệt kết quả Quý 1." in organiser.said
    await organiser.tap_token(yes)
    assert organiser.notices() == ["Thao tác này đã được thực hiện."]

    organiser = await reviewing(app)
    assert "Xét duyệt kết quả Quý 1 — đã phê duyệt lúc 09:00 ngày 31/03/2023 (telegram:9000)" in (
        organiser.said
    )
    assert not organiser.offered("⛔ Để riêng #1")
    assert not organiser.offered("✅ Phê duyệt kết quả")
    await panel.send("/admin")
    assert "chờ Ban Giám khảo phê duyệt" not in panel.said
    approvals = await app.svc.audit.recent(action="round.approve")
    assert [e.actor for e in approvals] == ["telegram:9000"]


async def test_giving_up_on_the_reason_sets_nothing_aside(app: App, planted: Planted) -> None:
    organiser = await reviewing(app)
    await organiser.tap("⛔ Để riêng #1")
    await organiser.send("/huy")
    await organiser.send("Máy")  # no longer a reason: an ordinary message

    assert await app.svc.review.set_aside("2023-Q1") == {}
    assert (await winners(app))[planted.ids["bot"]] == "first"


@pytest.mark.parametrize("forged", ["axyz", "a", "r-1", "p٣", "a99999999999999", "a1:x"])
async def test_a_button_with_a_forged_choice_is_refused_and_changes_nothing(
    app: App, planted: Planted, forged: str
) -> None:
    organiser = await reviewing(app)
    # A modified client can send any data with a tap; only the choice is changed here.
    head, _, step = token(organiser, "⛔ Để riêng #1").rpartition(":")
    head = head.rpartition(":")[0]
    await organiser.tap_token(f"{head}:{forged}:{step}")

    assert organiser.notices() == ["Nút này không còn hiệu lực."]
    assert await app.svc.review.set_aside("2023-Q1") == {}
    assert (await winners(app))[planted.ids["bot"]] == "first"
    # The real buttons still act.
    await organiser.tap("⛔ Để riêng #1")
    assert "Bạn gõ lý do để riêng bài #1 (Lý Văn Máy) của Quý 1." in organiser.said
