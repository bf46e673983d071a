"""The consent text is versioned in contest.yaml; each entry stores the version it agreed to
and when, and a new version is asked for before the next attempt: agreeing starts it,
declining stops there and changes nothing else."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from handlers.contest import Consent
from tests.conftest import vn
from tests.engine.personal.support import rows
from tests.support.client import Person

NEW_TEXT = "Ban Tổ chức nay xử lý thêm ảnh chụp màn hình kết quả của bạn để đăng lên trang web."


def _new_version(app: App, version: str = "2023.2") -> None:
    app.svc.contest = app.svc.contest.model_copy(
        update={"consent": Consent(version=version, text=NEW_TEXT)}
    )


async def _consent(app: App, pid: int) -> tuple[object, ...]:
    (row,) = await rows(
        app, "SELECT consent_version, consent_at FROM participants WHERE id = :p", p=pid
    )
    return row


async def test_registration_shows_the_text_and_stores_its_version_and_when(
    app: App, person: Person
) -> None:
    await person.send("/dangky")
    for typed in ("Nguyễn Văn An", "0912345678", "1990"):
        await person.send(typed)
    await person.tap("Hoa Lư")
    await person.tap("Người dân")
    assert "6/6. Đồng ý xử lý dữ liệu cá nhân (phiên bản 2023.1)" in person.said
    assert "Bạn có thể xem dữ liệu của mình (/dulieu)" in person.said  # contest.yaml's text
    await person.tap("✅ Đồng ý")
    await person.tap("✅ Xác nhận")

    version, at = await _consent(app, await person.participant_id())
    assert version == "2023.1"
    assert str(at).startswith("2023-02-20 01:00:00")  # 08:00 in Hà Nội, stored as UTC


async def test_a_new_version_is_asked_before_the_next_attempt_and_agreeing_starts_it(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=5)
    _new_version(app)
    clock.set(vn(2023, 2, 21, 9, 0))

    await person.send("/thi")
    assert "đã cập nhật nội dung đồng ý xử lý dữ liệu cá nhân" in person.said
    assert "(phiên bản 2023.2)" in person.said
    assert NEW_TEXT in person.said
    assert "Câu 1/10" not in person.said
    assert await person.live() is None

    await person.tap("✅ Đồng ý")
    assert "Đã ghi nhận bạn đồng ý nội dung phiên bản 2023.2" in person.said
    assert "Câu 1/10" in person.said
    version, at = await _consent(app, await person.participant_id())
    assert (version, str(at)[:16]) == ("2023.2", "2023-02-21 02:00")

    await person.tap("✅ Đồng ý")  # a second tap: the attempt goes on, nothing is asked again
    assert "Đã ghi nhận" not in person.said
    assert "Bạn đang có một lượt thi dở" in person.said


async def test_declining_the_new_version_stops_the_attempt_and_changes_nothing_else(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=5)
    pid = await person.participant_id()
    before = await _consent(app, pid)
    _new_version(app)
    clock.set(vn(2023, 2, 21, 9, 0))

    await person.send("/thi")
    await person.tap("Không đồng ý")
    assert "chưa bắt đầu lượt thi" in person.said
    assert "Thông tin và kết quả đã có của bạn giữ nguyên" in person.said
    assert await person.live() is None
    assert await _consent(app, pid) == before
    await person.send("/diem")
    assert "Kết quả tốt nhất: 5/10" in person.said
    await person.send("/thi")  # asked again, as long as it is not agreed to
    assert "(phiên bản 2023.2)" in person.said


async def test_an_attempt_under_way_goes_on_and_the_next_one_asks(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    await person.send("/thi")
    await person.answer(True)
    _new_version(app)

    await person.send("/thi")
    assert "Bạn đang có một lượt thi dở" in person.said
    assert "Câu 2/10" in person.said


async def test_a_tap_on_a_text_since_replaced_agrees_to_nothing(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    _new_version(app, "2023.2")
    await person.send("/thi")
    _new_version(app, "2023.3")

    await person.tap("✅ Đồng ý")
    assert person.notices() == ["Nút này không còn hiệu lực."]
    assert "(phiên bản 2023.3)" in person.said
    assert await person.live() is None
    version, _ = await _consent(app, await person.participant_id())
    assert version == "2023.1"


async def test_correcting_ones_details_keeps_the_consent_as_it_was(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    pid = await person.participant_id()
    before = await _consent(app, pid)
    clock.advance(timedelta(hours=2))
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Đơn vị")
    await person.send("Sở Tư pháp")
    await person.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin" in person.said
    assert await _consent(app, pid) == before
