"""An explained bank for the answer review and what a review must say, worked out from what
is stored (not from the code that writes the review)."""

from __future__ import annotations

from sqlmodel import col, select

from bot.app import App
from handlers.jury import actions
from handlers.rounds import reconcile
from questions.model import Question
from storage.models import Attempt, AttemptAnswer
from tests.support.banks import use_own_bank


def explained_questions(count: int = 12) -> list[Question]:
    """`count` questions; the even ones carry an explanation."""
    return [
        Question(
            f"Đợt 1, câu số {i + 1}: năm nào tỉnh triển khai nội dung thứ {i + 1}?",
            (f"Năm {2020 + i}", f"Năm {2030 + i}", f"Năm {2040 + i}", f"Năm {2050 + i}"),
            i % 4,
            source="Kế hoạch chuyển đổi số của tỉnh",
            explanation=(
                f"Kế hoạch giao triển khai nội dung thứ {i + 1} từ năm {2020 + 10 * (i % 4) + i}."
                if i % 2 == 0
                else ""
            ),
        )
        for i in range(count)
    ]


async def use_explained_bank(app: App) -> list[Question]:
    """Make the explained bank the active one; its questions."""
    bank = explained_questions()
    await app.svc.questions.replace_active("dot-1", bank, app.svc.clock.now())
    return bank


async def expected_review(app: App, attempt_code: str) -> list[str]:
    """The question blocks a review of the attempt shows, as plain text."""
    async with app.db.session() as s:
        attempt = (await s.exec(select(Attempt).where(Attempt.code == attempt_code))).one()
        rows = (
            await s.exec(
                select(AttemptAnswer)
                .where(AttemptAnswer.attempt_id == attempt.id)
                .order_by(col(AttemptAnswer.position))
            )
        ).all()
    questions = await app.svc.questions.by_ids([r.question_id for r in rows])
    blocks = []
    for r in rows:
        q = questions[r.question_id]
        if r.choice is None:
            yours = "Bạn không trả lời câu này ❌"
        else:
            mark = "✅" if r.choice == q.correct else "❌"
            yours = f"Bạn chọn: {q.options[r.choice]} {mark}"
        lines = [f"Câu {r.position + 1}. {q.text}", yours, f"Đáp án đúng: {q.options[q.correct]}"]
        if q.explanation:
            lines.append(f"💡 {q.explanation}")
        lines.append(f"📖 Nguồn: {q.source}")
        blocks.append("\n".join(lines))
    return blocks


async def decide(app: App, code: str = "2023-Q1") -> None:
    """The calendar closes the rounds that are due, then the jury approves `code`: only then is
    the round decided and its answers shown."""
    await reconcile(app.svc)
    await actions.approve(app.svc, code, "test")


async def next_quarter_bank(app: App) -> None:
    """The organisers bring Quý 2 a bank of its own: Quý 1's questions are asked no more, so
    its review may tell their answers (while a round not decided yet asks a question, its
    answer stays untold)."""
    await use_own_bank(app, "Ngân hàng Quý 2")
