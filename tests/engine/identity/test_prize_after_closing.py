"""A prize cannot be re-attributed after closing: the winner's name and phone are locked in the
chat once they have an attempt, and an organiser's later correction changes the entry, not the
stored prize, the results workbook or the certificates."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.app import App
from bot.clock import ManualClock
from handlers import identity
from handlers.certificates import certificates
from handlers.reports import results_workbook
from handlers.rounds import reconcile, round_results
from tests.conftest import vn
from tests.support.client import Person


async def _closed_with_winner(app: App, clock: ManualClock) -> tuple[Person, int]:
    winner = Person.on(app, "telegram", "1", "Bích")
    await winner.register(name="Trần Thị Bích", phone="0912345678", unit="Sở Tư pháp")
    await winner.take_attempt(correct=10)
    other = Person.on(app, "zalo", "2", "Cường")
    await other.register(name="Lê Văn Cường", phone="0987654321", typed_phone=True)
    await other.take_attempt(correct=5)
    clock.set(vn(2023, 3, 31, 0, 0, 1))
    assert await reconcile(app.svc) == [("2023-Q1", "close")]
    return winner, await winner.participant_id()


async def test_the_winner_cannot_change_name_or_phone_in_the_chat_after_closing(
    app: App, clock: ManualClock
) -> None:
    winner, pid = await _closed_with_winner(app, clock)

    await winner.send("/dangky")
    await winner.tap("✏️ Sửa")
    assert "đã được khoá" in winner.said
    labels = [b.label for row in winner.messages()[-1].buttons for b in row]
    assert labels == ["Địa bàn", "Đơn vị"]
    for field in ("name", "phone", "birth"):
        await winner.tap_token(f"r:fix:{field}")
        assert "không tự sửa được họ tên, số điện thoại và năm sinh" in winner.said
    await winner.send("Nguyễn Văn Kẻ")
    await winner.send("0999888777")

    person = await app.svc.participants.get(pid)
    assert person is not None
    assert (person.full_name, person.phone) == ("Trần Thị Bích", "+84912345678")
    results = await round_results(app.svc, "2023-Q1")
    assert results.people[pid].full_name == "Trần Thị Bích"


async def test_an_organisers_correction_after_closing_leaves_the_stored_prize_as_it_was(
    app: App, clock: ManualClock
) -> None:
    _, pid = await _closed_with_winner(app, clock)

    changed = await identity.edit(
        app.svc,
        pid,
        identity.Changes(full_name="Nguyễn Văn Kẻ", phone="0999888777", unit="Công ty X"),
        reason="Đơn đề nghị sửa thông tin số 12",
        actor="cli:btc",
    )
    assert changed["full_name"] == ["Trần Thị Bích", "Nguyễn Văn Kẻ"]

    person = await app.svc.participants.get(pid)
    assert person is not None
    assert person.full_name == "Nguyễn Văn Kẻ"
    assert person.identity_edited_at is not None

    results = await round_results(app.svc, "2023-Q1")
    assert results.awards[0].participant_id == pid
    shown = results.people[pid]
    assert (shown.full_name, shown.phone, shown.unit) == (
        "Trần Thị Bích",
        "+84912345678",
        "Sở Tư pháp",
    )
    book = load_workbook(io.BytesIO(await results_workbook(app.svc, results, full_phones=True)))
    prizes = [list(row) for row in book["Giải thưởng"].iter_rows(values_only=True)]
    first_prize = next(row for row in prizes if row[0] == app.contest.prize_name("first"))
    assert first_prize[2:6] == ["Trần Thị Bích", "0912345678", "Hoa Lư", "Sở Tư pháp"]
    ranking = [list(row) for row in book["Xếp hạng"].iter_rows(min_row=2, values_only=True)]
    assert "Nguyễn Văn Kẻ" not in {cell for row in ranking for cell in row}
    (first, *_) = certificates(app.contest, results)
    assert first.filename == "01-giai-nhat-tran-thi-bich.pdf"
