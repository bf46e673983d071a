"""A bank of the organisers' own (not the sample bank shipped with the code, whose answers are
public): tests of the calendar and of opening rounds use it, as a real contest would."""

from __future__ import annotations

from bot.app import App
from questions.model import Question


def own_questions(title: str, count: int = 12) -> list[Question]:
    """`count` questions whose texts say which bank they come from."""
    return [
        Question(
            f"{title}, câu số {i + 1}: năm nào tỉnh triển khai nội dung thứ {i + 1}?",
            (f"Năm {2020 + i}", f"Năm {2030 + i}", f"Năm {2040 + i}", f"Năm {2050 + i}"),
            i % 4,
            source="Kế hoạch thử nghiệm",
        )
        for i in range(count)
    ]


async def use_own_bank(app: App, title: str = "Ngân hàng của Ban Tổ chức") -> None:
    """Make a bank of the organisers' own the active one."""
    await app.svc.questions.replace_active("ban-to-chuc", own_questions(title), app.svc.clock.now())
