"""Answer review: once a round is decided, a participant reads their counted attempt again,
each question with their answer, the right one and why. Never before: while a round can still
be answered, nothing shows a right answer.

/diem -> "Xem đáp án <round>" (only for decided rounds) -> the attempt that counts, question by
question
"""

from __future__ import annotations

from handlers.common import participant_id, register_first
from handlers.context import Services
from handlers.decided import decided
from handlers.events import Button, Message, Notice, Reply, User
from handlers.practice import explained
from handlers.practice_pool import still_asked
from handlers.ranking import rank
from handlers.texts import Raw
from questions.formats.common import same_text_key

PREFIX = "rv:"
# Questions are grouped into messages of about this many characters: a few messages rather than
# one per question, each well inside Telegram's 4096 (Zalo's channel cuts at 2000 by lines).
MESSAGE_BUDGET = 3500


def button(svc: Services, round_code: str, round_name: str) -> Button:
    """The button of a decided round in /diem that opens its answer review."""
    return Button(svc.texts("review.button", round=round_name), f"{PREFIX}{round_code}")


async def latest(svc: Services, user: User) -> list[Reply]:
    """/xemdapan (typed "xem đáp án"): the review of the latest decided round the participant
    took part in."""
    pid = await participant_id(svc, user)
    if pid is not None:
        for rnd in sorted(await svc.rounds.all(), key=lambda r: r.opens_at, reverse=True):
            if await decided(svc, rnd.code) and await svc.attempts.count(pid, rnd.code):
                return await on_choice(svc, user, f"{PREFIX}{rnd.code}")
        return [Message(svc.texts("review.none_decided"))]
    return await on_choice(svc, user, PREFIX)


async def on_choice(svc: Services, user: User, token: str) -> list[Reply]:
    """A tap on "Xem đáp án": the review, if the round is decided."""
    t = svc.texts
    pid = await participant_id(svc, user)
    if pid is None:
        return [register_first(svc)]
    rnd = await svc.rounds.get(token.removeprefix(PREFIX))
    if rnd is None:
        return [Notice(t("common.expired_button"))]
    if not await decided(svc, rnd.code):
        return [Message(t("review.not_yet", round=rnd.name))]
    mine = await svc.attempts.scored(rnd.code, participant_id=pid)
    if not mine:
        return [Message(t("review.no_attempt", round=rnd.name))]
    actual = rnd.actual_figure
    if actual is None:
        actual = await svc.attempts.participants_in_round(rnd.code)
    best = rank(mine, actual)[0]
    lines = await svc.attempts.answer_lines([best.attempt_id])
    questions = await svc.pool.get_many([int(line[2]) for line in lines])
    live = await still_asked(svc)
    blocks = []
    for _, position, qid, choice, _ in lines:
        q = questions[int(qid)]
        if same_text_key(q.text) in live:
            # A round not decided yet asks it too: neither its answer nor whether theirs was
            # right (with four options, a mark tells half the answer).
            yours = (
                t("review.unanswered_live")
                if choice is None
                else t("review.yours_live", choice=q.options[choice])
            )
            blocks.append(t("review.question_live", n=int(position) + 1, text=q.text, yours=yours))
            continue
        if choice is None:
            yours = t("review.unanswered")
        elif choice == q.correct:
            yours = t("review.yours_right", choice=q.options[choice])
        else:
            yours = t("review.yours_wrong", choice=q.options[choice])
        why = explained(svc, q)
        blocks.append(
            t(
                "review.question",
                n=int(position) + 1,
                text=q.text,
                yours=yours,
                right=q.options[q.correct],
                why=Raw(f"\n{why}") if why else Raw(""),
            )
        )
    header = t("review.header", round=rnd.name, correct=best.correct, total=len(lines))
    return [Message(Raw(text)) for text in _grouped([header, *blocks])]


def _grouped(blocks: list[str]) -> list[str]:
    """Blocks joined by blank lines into texts of about MESSAGE_BUDGET characters each."""
    texts: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + 2 + len(block) > MESSAGE_BUDGET:
            texts.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    if current:
        texts.append(current)
    return texts
