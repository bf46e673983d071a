"""Answer review: after a round is decided, /diem offers "Xem đáp án" for the attempt that
counts; before that, nothing anywhere shows a right answer."""

from __future__ import annotations

from sqlmodel import select

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import reconcile
from storage.models import Attempt
from tests.conftest import vn
from tests.support.client import Person
from tests.support.review import decide, expected_review, next_quarter_bank, use_explained_bank
from tests.test_console import REGISTER, chat

NOT_YET = "Đáp án của Quý 1 chỉ được công bố sau khi đợt thi có kết quả."


async def _codes(app: App) -> list[tuple[str, int]]:
    async with app.db.session() as s:
        rows = (await s.exec(select(Attempt).order_by(Attempt.id))).all()  # type: ignore[arg-type]
    return [(a.code, a.correct) for a in rows]


async def test_during_the_round_nothing_shows_a_right_answer(app: App, person: Person) -> None:
    await use_explained_bank(app)
    await person.register()
    await person.take_attempt(correct=4)
    await person.send("/diem")
    assert not person.offered("📖 Xem đáp án Quý 1")

    await person.tap_token("rv:2023-Q1")
    assert person.said == NOT_YET
    await person.send("/xemdapan")
    assert person.said == (
        "Chưa có đợt thi nào bạn tham gia đã có kết quả, nên chưa xem được đáp án. "
        "Đáp án của mỗi đợt được công bố sau khi đợt thi có kết quả."
    )
    seen = "\n".join(person.texts(person.history))
    assert "Đáp án đúng" not in seen
    assert "💡" not in seen
    assert "Kế hoạch giao triển khai" not in seen


async def test_once_the_round_is_closed_the_counted_attempt_is_reviewed(
    app: App, person: Person, clock: ManualClock
) -> None:
    await use_explained_bank(app)
    await person.register()
    await person.take_attempt(correct=3)
    clock.set(vn(2023, 2, 21, 9, 0))
    await person.take_attempt(correct=8)
    (_, three), (best, eight) = await _codes(app)
    assert (three, eight) == (3, 8)

    clock.set(vn(2023, 4, 2, 8, 0))
    await reconcile(app.svc)
    await person.send("/diem")  # closed, but the jury has not approved its results yet
    assert not person.offered("📖 Xem đáp án Quý 1")
    await person.tap_token("rv:2023-Q1")
    assert person.said == NOT_YET

    await decide(app)
    await next_quarter_bank(app)
    await person.send("/diem")
    await person.tap("📖 Xem đáp án Quý 1")

    shown = "\n\n".join(person.texts(person.replies))
    assert shown.startswith("📖 Đáp án Quý 1\nBài thi được tính của bạn: 8/10 câu đúng.\n\n")
    blocks = shown.split("\n\n")[1:]
    assert blocks == await expected_review(app, best)
    assert sum("✅" in b for b in blocks) == 8
    assert all(len(m.text) <= 4096 for m in person.messages())


async def test_typed_xem_dap_an_on_the_console_reviews_the_latest_decided_round(
    app: App, clock: ManualClock
) -> None:
    await use_explained_bank(app)
    await chat(app, *REGISTER, "1", "1", "1", "thi", *"ABCDABCDAB", "100")
    ((code, correct),) = await _codes(app)
    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)
    await next_quarter_bank(app)

    said = await chat(app, "xem đáp án")

    assert f"📖 Đáp án Quý 1\nBài thi được tính của bạn: {correct}/10 câu đúng." in said
    for block in await expected_review(app, code):
        assert block in said


async def test_a_round_without_an_attempt_of_theirs_has_nothing_to_review(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)
    await person.tap_token("rv:2023-Q1")
    assert person.said == "Bạn không có bài thi nào trong Quý 1."


async def test_a_question_the_next_round_still_asks_keeps_its_answer(
    app: App, person: Person, clock: ManualClock
) -> None:
    # Quý 1 and Quý 2 both draw from the active bank: once Quý 1 is decided, Quý 2 is open
    # and asks the same questions, so reviewing Quý 1 must not tell their answers.
    await use_explained_bank(app)
    await person.register()
    await person.take_attempt(correct=4)
    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)  # closes Quý 1 and opens Quý 2, both on the same bank
    await person.send("/xemdapan")

    shown = "\n\n".join(person.texts(person.replies))
    assert shown.startswith("📖 Đáp án Quý 1\nBài thi được tính của bạn: 4/10 câu đúng.")
    assert "Đáp án đúng" not in shown
    assert "✅" not in shown
    assert "❌" not in shown
    assert "💡" not in shown
    assert shown.count("Câu hỏi này còn được dùng trong đợt thi chưa có kết quả") == 10

    await next_quarter_bank(app)
    ((code, _),) = await _codes(app)
    await person.send("/xemdapan")
    blocks = "\n\n".join(person.texts(person.replies)).split("\n\n")[1:]
    assert blocks == await expected_review(app, code)
