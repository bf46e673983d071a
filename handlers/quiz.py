"""Taking the quiz: start an attempt, answer each question, predict; handlers.submit submits it
and shows the result.

/thi -> question 1 .. N (one tap each, or the letter typed) -> prediction (a number) -> result
time up at any point -> submitted automatically with the answers given
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from handlers.answer_tokens import (
    TOKEN_ANSWER,
    AnswerTap,
    answer_token,
    parse_answer_token,
)
from handlers.common import (
    MENU_QUIZ,
    closed_message,
    open_round,
    participant_id,
    register_first,
)
from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, Shows, User
from handlers.formatting import countdown, date_vn, number_vn
from handlers.practice_end import end_practice
from handlers.question_view import drawn_attempt, image_of, rendered, typed_option
from handlers.submit import finalise
from handlers.texts import Raw
from questions.model import LETTERS, Question
from storage.models import Round
from storage.session import Admission, AnswerOutcome, LiveAttempt, Stage

# ---------------------------------------------------------------- starting


async def start(svc: Services, user_key: str, pid: int | None) -> list[Reply]:
    """Begin an attempt, or pick up the one in progress."""
    t = svc.texts
    if pid is None:
        return [register_first(svc)]
    live = await svc.store.attempt(pid)
    replies: list[Reply] = []
    if live is not None:
        if live.stage is not Stage.DONE and svc.now_ms() <= live.deadline_ms:
            return await resume(svc, pid, live)
        replies += await finalise(svc, pid, live, auto=True)
        if await svc.store.attempt(pid) is not None:
            return replies  # still waiting for SQL; a new attempt would overtake it
    rnd = await open_round(svc)
    if rnd is None:
        return [*replies, Message(await closed_message(svc))]
    refusal = await _limit_refusal(svc, pid, rnd)
    if refusal is not None:
        return [*replies, Message(refusal)]
    pool = await svc.pool.for_round(round_bank(svc, rnd.code))
    n = svc.contest.rules.questions_per_attempt
    if len(pool) < n:
        return [*replies, Message(t("quiz.bank_not_ready"))]
    attempt = _draw(svc, pool, rnd, user_key)
    # A practice going on ends here: the real attempt is what counts.
    replies += await end_practice(svc, pid)
    if not await svc.store.start_attempt(pid, attempt):
        live = await svc.store.attempt(pid)
        return [*replies, *(await resume(svc, pid, live) if live else [])]
    minutes = max(1, round((attempt.deadline_ms - attempt.started_ms) / 60000))
    intro = t("quiz.intro", round=rnd.name, n=n, minutes=minutes)
    replies.append(_headed(intro, await _question(svc, pid, attempt, 0)))
    return replies


async def _limit_refusal(svc: Services, pid: int, rnd: Round) -> Raw | None:
    rules = svc.contest.rules
    tz = svc.contest.tz
    now = svc.clock.now()
    today = now.astimezone(tz).date().isoformat()
    if rules.attempts_per_round is not None:
        used = await svc.attempts.count(pid, rnd.code)
        if used >= rules.attempts_per_round:
            return svc.texts("quiz.limit_round", used=used, round=rnd.name)
    used_today = await svc.attempts.count(pid, rnd.code, today)
    if used_today >= rules.attempts_per_day:
        tomorrow = now.astimezone(tz).replace(
            hour=0, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)
        if tomorrow > rnd.closes_at:
            return svc.texts("quiz.limit_day_last", used=used_today, round=rnd.name)
        return svc.texts(
            "quiz.limit_day",
            used=used_today,
            limit=rules.attempts_per_day,
            date=date_vn(tomorrow, tz),
        )
    return None


def round_bank(svc: Services, round_code: str) -> str:
    """The name of the round's own bank in contest.yaml ("" when it draws from the active)."""
    try:
        return svc.contest.round(round_code).bank
    except KeyError:
        return ""


def _draw(
    svc: Services, pool: list[tuple[int, Question]], rnd: Round, user_key: str
) -> LiveAttempt:
    """N questions at random (meeting per-source quotas first), each with shuffled options."""
    rules = svc.contest.rules
    rng = svc.rng
    chosen: list[tuple[int, Question]] = []
    for source, count in rules.quotas.items():
        matching = [item for item in pool if item[1].source == source]
        chosen += rng.sample(matching, min(count, len(matching)))
    rest = [item for item in pool if item not in chosen]
    chosen += rng.sample(rest, rules.questions_per_attempt - len(chosen))
    rng.shuffle(chosen)
    now_ms = svc.now_ms()
    limit_ms = int(rules.time_limit.total_seconds() * 1000)
    closes_ms = int(rnd.closes_at.timestamp() * 1000)
    return drawn_attempt(
        svc,
        chosen,
        started_ms=now_ms,
        round_code=rnd.code,
        user_key=user_key,
        deadline_ms=min(now_ms + limit_ms, closes_ms),
        closes_ms=closes_ms,
    )


async def resume(svc: Services, pid: int, live: LiveAttempt) -> list[Reply]:
    """Show again where an attempt stands: the current question or the prediction."""
    if live.stage is Stage.QUESTIONS:
        question = await _question(svc, pid, live, live.next_index)
        return [_headed(svc.texts("quiz.resume"), question)]
    if live.stage is Stage.PREDICTION:
        return [_prediction_prompt(svc, pid, live)]
    return [Message(svc.texts("quiz.recording"))]


# ---------------------------------------------------------------- questions


async def _question(svc: Services, pid: int, live: LiveAttempt, index: int) -> Message:
    qid = live.question_ids[index]
    order = live.orders[index]
    text, lines = await rendered(svc, qid, order)
    message = svc.texts(
        "quiz.question",
        n=index + 1,
        total=len(live.question_ids),
        left=countdown(live.deadline_ms - svc.now_ms()),
        text=text,
        options=lines,
    )
    buttons = (
        tuple(
            Button(LETTERS[i], answer_token(live.code, index, i, pid)) for i in range(len(order))
        ),
    )
    return Message(
        message, buttons=buttons, image=await image_of(svc, qid), shows=Shows(pid, live.code, index)
    )


def _headed(header: str, message: Message, replace: str | None = None) -> Message:
    """`message` with a line above it (the answer just recorded, the attempt's intro)."""
    return dataclasses.replace(message, text=Raw(f"{header}\n\n{message.text}"), replace=replace)


def _noted(svc: Services, index: int, shown: int) -> Raw:
    """The line confirming an answer, above the question that follows it."""
    return svc.texts("quiz.noted_answer", n=index + 1, letter=LETTERS[shown])


async def _answered(svc: Services, live: LiveAttempt, index: int, shown: int) -> Raw:
    qid = live.question_ids[index]
    q = (await svc.pool.get_many([qid]))[qid]
    text, _ = await rendered(svc, qid, live.orders[index])
    return svc.texts(
        "quiz.answered",
        n=index + 1,
        total=len(live.question_ids),
        text=text,
        letter=LETTERS[shown],
        choice=q.options[live.orders[index][shown]],
    )


def is_answer(token: str) -> bool:
    """Whether a button token is an answer button's (well formed or not)."""
    return token.startswith(TOKEN_ANSWER + ":")


async def answer(
    svc: Services, user: User, token: str, ref: str | None, admission: Admission | None = None
) -> list[Reply]:
    """A tap on an answer button: recorded once, if it is the current question and in time.

    `admission`, when the channel gives one still undecided, is decided here: in the same
    round trip as the answer when the button names the participant and the account is the
    one cached as theirs; otherwise first, then the participant is looked up as usual. An
    update not let in gets no reply (the channel says what a flood needs said).
    """
    tap = parse_answer_token(token)
    named = tap.participant_id if tap is not None else None
    if tap is not None and named is not None and admission and admission.verdict is None:
        outcome, live = await svc.store.admit_and_tap(
            admission,
            named,
            code=tap.code,
            index=tap.index,
            shown=tap.shown,
            now_ms=svc.now_ms(),
        )
        if outcome is AnswerOutcome.TURNED_AWAY:
            return []
        if outcome is not AnswerOutcome.UNKNOWN_ACCOUNT:
            return await _answered_replies(svc, named, tap, ref, outcome, live)
    if admission is not None and not await svc.store.admit(admission):
        return []
    # The account's own participant, whatever the button names: a button naming someone
    # else is checked against this one's attempt, and changes nothing.
    pid = await participant_id(svc, user)
    if tap is None or pid is None:
        return [Notice(svc.texts("common.expired_button"))]
    # One step records the tap (only if it is the current question's, in time) and reads the
    # attempt as it was before it, so the checks below see what the tap was checked against.
    outcome, live = await svc.store.tap(
        pid, code=tap.code, index=tap.index, shown=tap.shown, now_ms=svc.now_ms()
    )
    return await _answered_replies(svc, pid, tap, ref, outcome, live)


async def _answered_replies(
    svc: Services,
    pid: int,
    tap: AnswerTap,
    ref: str | None,
    outcome: AnswerOutcome,
    live: LiveAttempt | None,
) -> list[Reply]:
    t = svc.texts
    code, index, shown = tap.code, tap.index, tap.shown
    if tap.participant_id not in (None, pid) or (live is not None and live.code != code):
        # Someone else's button, one made up, or one of an attempt that is not the one going
        # on: not this person's to press now, and their own attempt is untouched.
        return [Notice(t("common.expired_button"))]
    if live is None:
        return await _no_live_attempt(svc, pid, tap)
    if index >= len(live.question_ids) or shown >= len(live.orders[index]):
        return [Notice(t("common.expired_button"))]
    if index > live.next_index:
        # Never shown yet, so the button cannot be real (and the store recorded nothing).
        return [Notice(t("common.expired_button"))]
    if outcome is AnswerOutcome.EXPIRED:
        return [Notice(t("quiz.time_up_short")), *await finalise(svc, pid, live, auto=True)]
    if outcome is AnswerOutcome.STALE:
        return [Notice(t("quiz.already_answered"))]
    if outcome is AnswerOutcome.LAST:
        following = _prediction_prompt(svc, pid, live)
    else:
        following = await _question(svc, pid, live, index + 1)
    tapped_image = await image_of(svc, live.question_ids[index])
    if not tapped_image or following.image:
        # One message per answer: the tapped question becomes the next one (or the prediction
        # question) in place, its first line confirming the answer; the toast says it too. A
        # text or a photo can become a photo (its picture replaced along with its caption).
        return [Notice(t("quiz.noted")), _headed(_noted(svc, index, shown), following, replace=ref)]
    # A photo cannot become text: the tapped question keeps its picture and confirms the
    # answer in its caption, and the text that follows comes as a message of its own.
    done = Message(
        await _answered(svc, live, index, shown),
        replace=ref,
        image=tapped_image,
        keeps_picture=True,
        echo=True,
    )
    return [Notice(t("quiz.noted")), done, following]


async def _no_live_attempt(svc: Services, pid: int, tap: AnswerTap) -> list[Reply]:
    """A tap on this participant's button when no attempt of theirs is going on."""
    t = svc.texts
    recorded = await svc.attempts.by_code(tap.code)
    if recorded is not None and recorded.participant_id == pid:
        return [Notice(t("quiz.attempt_over"))]
    if recorded is None and tap.participant_id == pid:
        # Their own button, neither live nor recorded: the session store lost the attempt (a
        # Redis restart without its data). It was not counted and can be taken again.
        return [
            Notice(t("quiz.attempt_lost_short")),
            Message(t("quiz.attempt_lost"), buttons=((Button(t("menu.quiz"), MENU_QUIZ),),)),
        ]
    return [Notice(t("common.expired_button"))]


async def awaiting_answer(svc: Services, token: str) -> bool:
    """Whether the question an answer button belongs to is showing and can still be answered."""
    tap = parse_answer_token(token)
    if tap is None or tap.participant_id is None:
        return False
    live = await svc.store.attempt(tap.participant_id)
    return (
        live is not None
        and live.code == tap.code
        and live.stage is Stage.QUESTIONS
        and live.next_index == tap.index
        and svc.now_ms() <= live.deadline_ms
    )


async def _typed_answer(svc: Services, pid: int, live: LiveAttempt, text: str) -> list[Reply]:
    """Text typed while a question shows: a letter or its number answers it, as a tap would
    (the next question comes as a new message below the participant's "B", its first line
    confirming the answer); anything else is reminded how to answer."""
    t = svc.texts
    index = live.next_index
    shown = typed_option(svc, live, text)
    if isinstance(shown, Raw):
        return [Message(shown), await _question(svc, pid, live, index)]
    outcome, before = await svc.store.tap(
        pid, code=live.code, index=index, shown=shown, now_ms=svc.now_ms()
    )
    if before is None or before.code != live.code:
        return [Message(t("quiz.attempt_over"))]
    if outcome is AnswerOutcome.EXPIRED:
        return await finalise(svc, pid, before, auto=True)
    if outcome is AnswerOutcome.STALE:
        return [Message(t("quiz.already_answered"))]
    if outcome is AnswerOutcome.LAST:
        following = _prediction_prompt(svc, pid, before)
    else:
        following = await _question(svc, pid, before, index + 1)
    return [_headed(_noted(svc, index, shown), following)]


# ---------------------------------------------------------------- prediction


def _prediction_prompt(svc: Services, pid: int, live: LiveAttempt) -> Message:
    p = svc.contest.rules.prediction
    text = svc.texts(
        "quiz.prediction", question=p.question, left=countdown(live.deadline_ms - svc.now_ms())
    )
    return Message(text, shows=Shows(pid, live.code, len(live.question_ids)))


# Digits alone, or thousands in groups of three split by one kind of separator: 1.234.567.
# "1,5" or "2.50" is a fraction, not a count, and must not be read as 15 or 250.
_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}([., ])[0-9]{3}(?:\1[0-9]{3})*")


def parse_prediction(text: str) -> int | None:
    """A whole number as people type it: 1234, 1.234, 1,234 or 1 234."""
    typed = " ".join(text.split())
    if not _WHOLE.fullmatch(typed):
        return None
    cleaned = re.sub(r"[., ]", "", typed)
    if len(cleaned) > 12:
        return None
    return int(cleaned)


async def on_text(svc: Services, pid: int, live: LiveAttempt, text: str) -> list[Reply]:
    """Typed text while an attempt is live: an answer, or the prediction."""
    t = svc.texts
    if svc.now_ms() > live.deadline_ms:
        return await finalise(svc, pid, live, auto=True)
    if live.stage is Stage.QUESTIONS:
        return await _typed_answer(svc, pid, live, text)
    if live.stage is not Stage.PREDICTION:
        return [Message(t("quiz.recording"))]
    p = svc.contest.rules.prediction
    value = parse_prediction(text)
    if value is None or not p.min <= value <= p.max:
        return [Message(t("quiz.bad_prediction", low=number_vn(p.min), high=number_vn(p.max)))]
    if not await svc.store.set_prediction(pid, code=live.code, value=value):
        return [Message(t("quiz.attempt_over"))]
    live.prediction = value
    return await finalise(svc, pid, live, auto=False)
