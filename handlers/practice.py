"""Practice (/thithu): questions from the practice pool, answered one at a time like a real
attempt, each followed by whether it was right and why; no time limit, never counted.

/thithu -> question 1 .. N (a tap, or the letter typed) -> right or wrong, explanation -> .. ->
how many were right; /thi meanwhile ends practice and starts the real attempt
"""

from __future__ import annotations

from handlers.answer_tokens import (
    TOKEN_PRACTICE,
    parse_practice_token,
    practice_token,
)
from handlers.common import MENU_PRACTICE, MENU_QUIZ, participant_id, register_first
from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, User
from handlers.practice_pool import practice_pool
from handlers.question_view import drawn_attempt, image_of, rendered, typed_option
from handlers.texts import Raw
from questions.model import LETTERS, Question
from storage.keys import PRACTICE_TTL
from storage.session import AnswerOutcome, LiveAttempt, Stage


async def start(svc: Services, user: User) -> list[Reply]:
    """Begin a practice attempt, or show where the one going on stands."""
    t = svc.texts
    pid = await participant_id(svc, user)
    if pid is None:
        return [register_first(svc, practice=True)]
    live = await svc.store.attempt(pid)
    if live is not None and live.stage is not Stage.DONE and svc.now_ms() <= live.deadline_ms:
        return [Message(t("practice.in_attempt"), buttons=((Button(t("menu.quiz"), MENU_QUIZ),),))]
    going = await svc.practice.get(pid)
    if going is not None:
        return [Message(t("practice.resume")), await question(svc, pid, going, going.next_index)]
    pool = await practice_pool(svc)
    if not pool:
        return [Message(t("practice.no_questions"))]
    attempt = _draw(svc, pool, user.key)
    if not await svc.practice.start(pid, attempt):
        going = await svc.practice.get(pid)
        return [await question(svc, pid, going, going.next_index)] if going else []
    return [
        Message(t("practice.intro", n=len(attempt.question_ids))),
        await question(svc, pid, attempt, 0),
    ]


def _draw(svc: Services, pool: list[tuple[int, Question]], user_key: str) -> LiveAttempt:
    """As many questions as an attempt has (fewer if the pool is smaller), options shuffled."""
    rng = svc.rng
    chosen = rng.sample(pool, min(svc.contest.rules.questions_per_attempt, len(pool)))
    now_ms = svc.now_ms()
    return drawn_attempt(
        svc,
        chosen,
        started_ms=now_ms,
        round_code="",
        user_key=user_key,
        deadline_ms=now_ms + int(PRACTICE_TTL.total_seconds() * 1000),
    )


async def question(svc: Services, pid: int, live: LiveAttempt, index: int) -> Message:
    """Practice question `index` with its option buttons."""
    order = live.orders[index]
    text, lines = await rendered(svc, live.question_ids[index], order)
    message = svc.texts(
        "practice.question", n=index + 1, total=len(live.question_ids), text=text, options=lines
    )
    buttons = tuple(
        Button(LETTERS[i], practice_token(live.code, index, i, pid)) for i in range(len(order))
    )
    return Message(message, buttons=(buttons,), image=await image_of(svc, live.question_ids[index]))


def explained(svc: Services, q: Question) -> Raw:
    """The explanation and source lines of a question ("" when it has neither)."""
    t = svc.texts
    lines = []
    if q.explanation:
        lines.append(t("practice.explanation", text=q.explanation))
    if q.source:
        lines.append(t("practice.source", source=q.source))
    return Raw("\n".join(lines))


async def _verdict(svc: Services, live: LiveAttempt, index: int, shown: int) -> tuple[Raw, bool]:
    """What the answered practice question becomes: the choice, right or wrong, and why."""
    t = svc.texts
    qid = live.question_ids[index]
    q = (await svc.pool.get_many([qid]))[qid]
    order = live.orders[index]
    text, _ = await rendered(svc, qid, order)
    right = order[shown] == q.correct
    shown_right = order.index(q.correct)
    verdict = (
        t("practice.right")
        if right
        else t("practice.wrong", letter=LETTERS[shown_right], choice=q.options[q.correct])
    )
    why = explained(svc, q)
    return (
        t(
            "practice.answered",
            n=index + 1,
            total=len(live.question_ids),
            text=text,
            letter=LETTERS[shown],
            choice=q.options[order[shown]],
            verdict=verdict,
            why=Raw(f"\n\n{why}") if why else Raw(""),
        ),
        right,
    )


async def _right_before(svc: Services, live: LiveAttempt) -> int:
    """How many of the answers recorded so far were right."""
    questions = await svc.pool.get_many(live.question_ids)
    return sum(
        1
        for i, (shown, _) in live.answers.items()
        if live.orders[i][shown] == questions[live.question_ids[i]].correct
    )


def is_option(token: str) -> bool:
    """Whether a button token is a practice option's (well formed or not)."""
    return token.startswith(TOKEN_PRACTICE + ":")


async def answer(svc: Services, user: User, token: str, ref: str | None) -> list[Reply]:
    """A tap on a practice option: recorded once, answered with right or wrong and why."""
    t = svc.texts
    tap = parse_practice_token(token)
    pid = await participant_id(svc, user)
    if tap is None or pid is None or tap.participant_id != pid:
        return [Notice(t("common.expired_button"))]
    return await _record(svc, pid, tap.code, tap.index, tap.shown, ref)


async def _record(
    svc: Services, pid: int, code: str, index: int, shown: int, ref: str | None
) -> list[Reply]:
    t = svc.texts
    outcome, before = await svc.practice.tap(
        pid, code=code, index=index, shown=shown, now_ms=svc.now_ms()
    )
    if before is None or before.code != code:
        return [Notice(t("practice.over"))]
    if index >= len(before.question_ids) or shown >= len(before.orders[index]):
        return [Notice(t("common.expired_button"))]
    if outcome is AnswerOutcome.STALE:
        return [Notice(t("quiz.already_answered"))]
    if outcome is AnswerOutcome.EXPIRED:
        await svc.practice.end(pid, code)
        return [Notice(t("practice.over"))]
    text, right = await _verdict(svc, before, index, shown)
    image = await image_of(svc, before.question_ids[index])
    done = Message(text, replace=ref, image=image, keeps_picture=True)
    notice = Notice(t("quiz.noted"))
    if outcome is AnswerOutcome.LAST:
        await svc.practice.end(pid, code)
        correct = await _right_before(svc, before) + (1 if right else 0)
        summary = Message(
            t("practice.finished", correct=correct, total=len(before.question_ids)),
            buttons=(
                (Button(t("menu.practice"), MENU_PRACTICE), Button(t("menu.quiz"), MENU_QUIZ)),
            ),
        )
        return [notice, done, summary]
    return [notice, done, await question(svc, pid, before, index + 1)]


async def on_text(svc: Services, pid: int, live: LiveAttempt, text: str) -> list[Reply]:
    """Typed text while a practice question shows: its letter or number answers it."""
    index = live.next_index
    shown = typed_option(svc, live, text)
    if isinstance(shown, Raw):
        return [Message(shown), await question(svc, pid, live, index)]
    replies = await _record(svc, pid, live.code, index, shown, None)
    # Typed, nothing is tapped: the short notice has no tap to answer, the verdict says it all.
    return [r for r in replies if not isinstance(r, Notice)] or [
        Message(r.text) for r in replies if isinstance(r, Notice)
    ]


async def awaiting(svc: Services, token: str) -> bool:
    """Whether the practice question an option token belongs to is showing."""
    tap = parse_practice_token(token)
    if tap is None or tap.participant_id is None:
        return False
    live = await svc.practice.get(tap.participant_id)
    return live is not None and live.code == tap.code and live.next_index == tap.index
