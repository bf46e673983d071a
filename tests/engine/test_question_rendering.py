"""A question is shown in each attempt's own option order, escaped, however often it is shown."""

from __future__ import annotations

import html

from bot.app import App
from handlers import quiz
from handlers.events import Message
from questions.model import LETTERS
from storage.session import LiveAttempt


def _attempt(qid: int, order: tuple[int, ...]) -> LiveAttempt:
    return LiveAttempt(
        code="abcdefghij",
        round_code="2023-Q1",
        user_key="telegram:1",
        question_ids=[qid],
        orders=[order],
        started_ms=0,
        deadline_ms=2**40,
    )


async def test_the_same_question_in_two_orders_lists_each_attempts_own_order(app: App) -> None:
    (qid, question), *_ = await app.svc.pool.active()
    orders = [(0, 1, 2, 3), (3, 1, 0, 2), (0, 1, 2, 3)]

    for order in orders:
        [shown] = await quiz.resume(app.svc, 7, _attempt(qid, order))
        assert isinstance(shown, Message)
        assert html.escape(question.text, quote=False) in shown.text
        lines = [line for line in shown.text.splitlines() if line.startswith("<b>") and "." in line]
        expected = [
            f"<b>{LETTERS[i]}.</b> {html.escape(question.options[k], quote=False)}"
            for i, k in enumerate(order)
        ]
        assert lines[-len(order) :] == expected
