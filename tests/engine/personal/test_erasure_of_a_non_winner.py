"""/xoadulieu by someone who won nothing: after one confirmation their details, phones,
accounts and live state are gone; the closed round keeps a nameless line in their place, so
nobody else's rank moves; whoever writes from their account again is a newcomer."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.app import App
from bot.clock import ManualClock
from handlers import identity
from handlers.reports import results_workbook
from handlers.rounds import round_results
from storage.session import LiveAttempt
from tests.conftest import vn
from tests.engine.personal.support import (
    ERASE,
    closed_and_erased,
    closed_round,
    erase,
    live_keys,
    rows,
    stored_about,
)
from tests.results_round import BINH, CUONG, DUNG
from tests.support.client import Person


def _cells(book: bytes, sheet: str) -> list[list[object]]:
    return [list(r) for r in load_workbook(io.BytesIO(book))[sheet].iter_rows(values_only=True)]


async def test_the_closed_round_keeps_a_nameless_line_and_every_other_rank(
    app: App, clock: ManualClock
) -> None:
    closed = await closed_round(app, clock)
    before = [(r.rank, r.participant_id) for r in closed.results.ranking]
    dung = closed.people[DUNG.uid]
    pid = closed.ids[DUNG.uid]

    await dung.send("/xoadulieu")
    assert "Nếu bạn xác nhận" in dung.said
    assert "Giữ ở dạng ẩn danh: kết quả của bạn trong Quý 1" in dung.said
    assert "hồ sơ giải thưởng" not in dung.said
    await dung.tap(ERASE)
    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in dung.said
    assert "bạn là người mới" in dung.said

    after = await round_results(app.svc, "2023-Q1")
    assert [(r.rank, r.participant_id) for r in after.ranking] == before
    line = after.people[pid]
    assert (line.full_name, line.phone, line.locality, line.unit) == ("(ẩn danh)", "", "", "")
    assert [a.participant_id for a in after.awards] == [
        a.participant_id for a in closed.results.awards
    ]
    for full in (False, True):
        book = await results_workbook(app.svc, after, full_phones=full)
        ranking = _cells(book, "Xếp hạng")
        assert ranking[3][:5] == [3, "(ẩn danh)", None, None, None]
        assert [r[1] for r in ranking[1:]] == [
            "Nguyễn Văn An",
            CUONG.name,
            "(ẩn danh)",
            BINH.name,
        ]
        everything = str([_cells(book, s) for s in load_workbook(io.BytesIO(book)).sheetnames])
        assert DUNG.name not in everything
        assert DUNG.phone[1:] not in everything

    stored = await stored_about(app, pid)
    assert stored["participants"] == [("", "", 0, "")]
    assert stored["accounts"] == stored["participant_phones"] == stored["winners"] == []
    assert stored["attempts"] == [("2023-Q1",)]  # what the ranking is made of, nameless
    assert await live_keys(app, ["telegram:4"], pid) == []
    assert await app.svc.participants.count() == 3  # what /admin counts as registered
    addressed = "SELECT count(*) FROM broadcast_recipients WHERE channel_user_id = :u"
    assert await rows(app, addressed, u="3") == [(2,)]  # Cường: congratulations, results
    assert await rows(app, addressed, u="4") == [(0,)]


async def test_whoever_writes_again_from_an_erased_account_is_a_newcomer(
    app: App, clock: ManualClock
) -> None:
    closed, dung = await closed_and_erased(app, clock, DUNG.uid)

    await dung.send("/start")
    assert "Xin chào" in dung.said
    assert "quay lại" not in dung.said
    await dung.send("/diem")
    assert "Bạn cần đăng ký trước khi thi" in dung.said
    await dung.send("/dulieu")
    assert "chưa đăng ký dự thi nên cuộc thi không lưu thông tin nào về bạn" in dung.said
    clock.set(vn(2023, 4, 2, 9, 0))
    await dung.register(name=DUNG.name, phone=DUNG.phone)
    again = await dung.participant_id()
    assert again != closed.ids[DUNG.uid]
    after = await round_results(app.svc, "2023-Q1")
    assert after.people[closed.ids[DUNG.uid]].full_name == "(ẩn danh)"


async def test_an_entry_with_only_an_open_rounds_attempts_is_deleted_with_its_live_attempt(
    app: App, clock: ManualClock
) -> None:
    lan = Person.on(app, "telegram", "77", "Lan")
    await lan.register(name="Đỗ Thị Lan", phone="0977123456")
    await lan.take_attempt(correct=4)
    clock.set(vn(2023, 2, 21, 9, 0))
    await lan.send("/thi")
    await lan.tap("A")
    pid = await lan.participant_id()
    assert await lan.live() is not None

    await lan.send("/xoadulieu")
    assert "các lượt thi của đợt chưa kết thúc" in lan.said
    await lan.tap(ERASE)
    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in lan.said

    stored = await stored_about(app, pid)
    assert all(found == [] for found in stored.values()), stored
    assert await rows(app, "SELECT count(*) FROM attempt_answers") == [(0,)]
    assert await live_keys(app, ["telegram:77"], pid) == []
    clock.advance(minutes=15)
    assert await app.engine.sweep() == []  # the attempt it was taking is not submitted
    results = await round_results(app.svc, "2023-Q1")
    assert results.ranking == []


async def test_a_double_tap_erases_once_and_keep_erases_nothing(
    app: App, clock: ManualClock
) -> None:
    closed = await closed_round(app, clock)
    binh = closed.people[BINH.uid]
    await binh.send("/xoadulieu")
    await binh.tap("Không xoá")
    assert "dữ liệu của bạn giữ nguyên" in binh.said
    await binh.tap(ERASE)  # the same message's other button, used up
    assert binh.notices() == ["Nút này không còn hiệu lực."]
    kept = await app.svc.participants.get(closed.ids[BINH.uid])
    assert kept is not None
    assert kept.full_name == BINH.name

    await binh.send("/xoadulieu")
    await binh.tap(ERASE)
    await binh.tap(ERASE)
    assert binh.notices() == ["Tài khoản này không còn dữ liệu nào trong cuộc thi."]
    erasures = [e for e in await app.svc.audit.recent(50) if e.action == "participant.erase"]
    assert [e.detail["participant"] for e in erasures] == [closed.ids[BINH.uid]]


async def test_both_linked_accounts_and_the_linking_code_are_forgotten(
    app: App, clock: ManualClock
) -> None:
    closed = await closed_round(app, clock)
    binh = closed.people[BINH.uid]
    on_zalo = Person.on(app, "zalo", "z2", "Bình")
    await binh.send("/lienket")
    code = binh.said.split("Mã liên kết của bạn: ")[1][:8]
    await on_zalo.send(f"lien ket {code}")
    assert "Đã liên kết" in on_zalo.said
    await binh.send("/lienket")  # a fresh code, left unused
    pid = closed.ids[BINH.uid]

    await erase(on_zalo)

    assert await live_keys(app, ["telegram:2", "zalo:z2"], pid) == []
    for person in (binh, on_zalo):
        await person.send("/dulieu")
        assert "chưa đăng ký dự thi" in person.said
    (linked,) = [e for e in await app.svc.audit.recent(50) if e.action == "participant.link"]
    assert linked.actor == "system"  # no longer the Zalo account that linked itself


async def test_an_organisers_correction_stays_in_the_audit_log_without_the_values(
    app: App, clock: ManualClock
) -> None:
    closed = await closed_round(app, clock)
    pid = closed.ids[DUNG.uid]
    await identity.edit(
        app.svc,
        pid,
        identity.Changes(full_name="Phạm Thị Dung Mới", phone="0944555777"),
        reason="Đơn của chị Phạm Thị Dung, số 0944555666",
        actor="cli:btc",
    )

    await erase(closed.people[DUNG.uid])

    (corrected,) = [e for e in await app.svc.audit.recent(50) if e.action == "participant.edit"]
    assert (corrected.actor, corrected.at) == ("cli:btc", vn(2023, 3, 31, 0, 0))
    assert corrected.detail == {
        "participant": pid,
        "reason": "(đã xoá)",
        "changes": {"full_name": ["(đã xoá)", "(đã xoá)"], "phone": ["(đã xoá)", "(đã xoá)"]},
    }


async def test_a_practice_going_on_is_forgotten_with_the_entry(app: App) -> None:
    lan = Person.on(app, "telegram", "78", "Lan")
    await lan.register(name="Đỗ Thị Lan", phone="0977123457")
    pid = await lan.participant_id()
    going = LiveAttempt(
        code="abcdefghij",
        round_code="",
        user_key="telegram:78",
        question_ids=[1],
        orders=[(0, 1)],
        started_ms=0,
        deadline_ms=10**13,
    )
    assert await app.svc.practice.start(pid, going)

    await lan.send("/xoadulieu")
    await lan.tap(ERASE)

    assert await app.svc.practice.get(pid) is None
    assert await live_keys(app, ["telegram:78"], pid) == []
