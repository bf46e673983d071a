"""Banks whose questions have pictures (three PNGs shared among twelve questions), all of them
or every other one (a round mixing questions with and without a picture)."""

from __future__ import annotations

from dataclasses import replace

from bot.app import App
from questions.model import Question
from storage.session import LiveAttempt

# The PNG signature and a little content: the bot checks pictures by their first bytes.
PICTURES = {f"images/anh-{n}.png": b"\x89PNG\r\n\x1a\n" + bytes([n]) * 60 for n in range(3)}


def pictured_questions(count: int = 12) -> list[Question]:
    """`count` questions, each showing one of the three pictures."""
    return [
        Question(
            f"Ảnh {i % 3 + 1}, câu số {i + 1}: biểu tượng trong ảnh là của ứng dụng nào?",
            (f"VNeID {i}", f"Zalo {i}", f"VssID {i}", f"Etax {i}"),
            i % 4,
            source="Kế hoạch chuyển đổi số của tỉnh",
            image=f"images/anh-{i % 3}.png",
        )
        for i in range(count)
    ]


async def use_pictured_bank(app: App) -> None:
    """Make the pictured bank the active one, its pictures stored with it."""
    await app.svc.questions.replace_active(
        "co-anh", pictured_questions(), app.svc.clock.now(), dict(PICTURES)
    )


def mixed_questions(count: int = 12) -> list[Question]:
    """`count` questions, every other one with a picture (of three), the others text only."""
    return [
        q
        if i % 2 == 0
        else replace(q, text=f"Câu số {i + 1}: ứng dụng nào do Bộ Công an làm?", image="")
        for i, q in enumerate(pictured_questions(count))
    ]


async def use_mixed_bank(app: App) -> None:
    """Make the bank mixing questions with and without a picture the active one."""
    await app.svc.questions.replace_active(
        "co-anh-xen-ke", mixed_questions(), app.svc.clock.now(), dict(PICTURES)
    )


async def attempt_of(app: App, channel: str, account: str) -> LiveAttempt:
    """The attempt going on of the participant of this account."""
    person = await app.svc.participants.by_account(channel, account)
    assert person is not None
    assert person.id is not None
    live = await app.svc.store.attempt(person.id)
    assert live is not None
    return live


async def pictures_in_order(app: App, channel: str, account: str) -> list[bytes | None]:
    """The picture of each question of the account's attempt, in the order they come (None
    for a question without one)."""
    live = await attempt_of(app, channel, account)
    questions = await app.svc.pool.get_many(live.question_ids)
    pictures: list[bytes | None] = []
    for qid in live.question_ids:
        key = questions[qid].image
        stored = await app.svc.questions.image(key) if key else None
        pictures.append(stored[1] if stored else None)
    return pictures
