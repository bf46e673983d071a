"""Submitting an attempt and telling the result: submitted once, written to SQL (or held until
SQL is back), then the score, the time, the rank so far and the attempts left; and the
background pass that submits attempts past their deadline.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from handlers.common import MENU_SCORE
from handlers.context import Services
from handlers.events import Button, Message, Reply
from handlers.formatting import duration_vn, number_vn
from handlers.ranking import rank
from storage.repos import AnswerRow, FinishedAttempt
from storage.session import LiveAttempt, Stage

log = logging.getLogger(__name__)


def _ms_to_dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


async def finalise(svc: Services, pid: int, live: LiveAttempt, *, auto: bool) -> list[Reply]:
    """Submit an attempt once, write it to SQL, and show the result.

    When SQL cannot take it, the finished attempt stays in the session store and the
    participant is told it will be recorded; `flush_pending` writes it later.
    """
    now_ms = svc.now_ms()
    submitted_ms = min(now_ms, live.deadline_ms)
    won = await svc.store.finish(pid, code=live.code, now_ms=submitted_ms, auto=auto)
    stored = await svc.store.attempt(pid)
    if stored is None or stored.code != live.code:
        return []  # someone else finished and recorded it already
    if not won and stored.stage is Stage.DONE and not auto:
        return [Message(svc.texts("quiz.recording"))]
    record = await _record(svc, pid, stored)
    try:
        await svc.attempts.save(record)
    except Exception:  # any database failure: keep the attempt, never lose it
        await svc.store.hold_for_sql(pid)
        return [Message(svc.texts("quiz.saved_later"))]
    await svc.store.discard_attempt(pid)
    return await result_message(svc, pid, record, auto=stored.auto)


async def _record(svc: Services, pid: int, live: LiveAttempt) -> FinishedAttempt:
    questions = await svc.pool.get_many(live.question_ids)
    answers = []
    correct = 0
    for i, qid in enumerate(live.question_ids):
        given = live.answers.get(i)
        choice = live.orders[i][given[0]] if given else None
        if choice is not None and choice == questions[qid].correct:
            correct += 1
        answers.append(AnswerRow(i, qid, choice, _ms_to_dt(given[1]) if given else None))
    finished = live.finished_ms if live.finished_ms is not None else svc.now_ms()
    submitted = _ms_to_dt(finished)
    return FinishedAttempt(
        code=live.code,
        participant_id=pid,
        round_code=live.round_code,
        channel=live.user_key.split(":", 1)[0],
        started_at=_ms_to_dt(live.started_ms),
        submitted_at=submitted,
        local_day=_ms_to_dt(live.started_ms).astimezone(svc.contest.tz).date().isoformat(),
        duration_ms=fair_duration_ms(live, finished),
        correct=correct,
        total=len(live.question_ids),
        prediction=live.prediction,
        auto_submitted=live.auto,
        answers=tuple(answers),
    )


def fair_duration_ms(live: LiveAttempt, finished_ms: int) -> int:
    """The participant's own time: for each step (every question, then the prediction
    question), from when the platform accepted the message showing it to the answer, or to
    `finished_ms` for the step under way at the end.

    A step falls due when the previous one is answered (the first, when the attempt starts);
    until its message is shown the time is the bot's (queueing under the platform's limits),
    not the participant's. A step with no recorded showing (a channel that does not report,
    an attempt started before this was recorded) counts from when it fell due, as before.
    """
    total = 0
    due = live.started_ms
    for step in range(len(live.question_ids) + 1):
        shown = max(live.shown.get(step, due), due)
        given = live.answers.get(step) if step < len(live.question_ids) else None
        end = given[1] if given is not None else finished_ms
        total += max(end - shown, 0)
        if given is None:
            break
        due = end
    return total


async def standing(svc: Services, round_code: str, pid: int) -> tuple[int, int] | None:
    """(rank, participants so far) of a participant in a round.

    While a round is open the prediction is compared with the number of participants so far;
    once it is closed, with the figure recorded at closing.
    """
    rnd = await svc.rounds.get(round_code)
    if rnd is None:
        return None
    count = await svc.attempts.participants_in_round(round_code)
    actual = rnd.actual_figure if rnd.actual_figure is not None else count
    mine = await svc.attempts.scored(round_code, participant_id=pid)
    if not mine:
        return None
    best = rank(mine, actual)[0]
    as_scored = next(a for a in mine if a.attempt_id == best.attempt_id)
    return 1 + await svc.attempts.count_better(round_code, pid, as_scored, actual), count


async def attempts_left(svc: Services, pid: int, round_code: str) -> tuple[int, int | None]:
    """(attempts left today, attempts left in the round or None when unlimited)."""
    rules = svc.contest.rules
    today = svc.clock.now().astimezone(svc.contest.tz).date().isoformat()
    today_left = max(rules.attempts_per_day - await svc.attempts.count(pid, round_code, today), 0)
    if rules.attempts_per_round is None:
        return today_left, None
    round_left = max(rules.attempts_per_round - await svc.attempts.count(pid, round_code), 0)
    return min(today_left, round_left), round_left


async def result_message(
    svc: Services, pid: int, record: FinishedAttempt, *, auto: bool
) -> list[Reply]:
    """The result of a submitted attempt: score, time, rank so far and attempts left."""
    t = svc.texts
    place = await standing(svc, record.round_code, pid)
    today_left, round_left = await attempts_left(svc, pid, record.round_code)
    text = t(
        "quiz.result",
        header=t("quiz.time_up") if auto else t("quiz.submitted"),
        correct=record.correct,
        total=record.total,
        time=duration_vn(record.duration_ms),
        prediction=t("quiz.no_prediction")
        if record.prediction is None
        else number_vn(record.prediction),
        rank=t("quiz.rank", rank=place[0], of=place[1]) if place else "",
        left=t("quiz.left_today", n=today_left)
        if round_left is None
        else t("quiz.left_round", n=today_left, r=round_left),
    )
    return [Message(text, buttons=((Button(t("menu.score"), MENU_SCORE),),))]


# ---------------------------------------------------------------- background work


async def sweep(svc: Services, limit: int = 500) -> list[tuple[str, list[Reply]]]:
    """Submit every attempt past its deadline; returns the messages owed to each user."""
    owed: list[tuple[str, list[Reply]]] = []
    # Those waiting for SQL were told so already; flush_pending writes them, not this loop.
    waiting = set(await svc.store.pending())
    for pid in await svc.store.due(svc.now_ms(), limit):
        if pid in waiting:
            continue
        live = await svc.store.attempt(pid)
        if live is None:
            await svc.store.discard_attempt(pid)  # a stale index entry
            continue
        replies = await finalise(svc, pid, live, auto=True)
        if replies:
            owed.append((live.user_key, replies))
    return owed


async def flush_pending(svc: Services) -> list[tuple[str, list[Reply]]]:
    """Write finished attempts that waited for SQL; returns the results owed to their users."""
    owed: list[tuple[str, list[Reply]]] = []
    for pid in await svc.store.pending():
        live = await svc.store.attempt(pid)
        if live is None or live.stage is not Stage.DONE:
            await svc.store.discard_attempt(pid)
            continue
        record = await _record(svc, pid, live)
        try:
            await svc.attempts.save(record)
        except Exception:  # SQL still down: keep them all for the next sweep
            log.warning("SQL is not taking finished attempts yet; %s wait", pid, exc_info=True)
            break
        await svc.store.discard_attempt(pid)
        owed.append((live.user_key, await result_message(svc, pid, record, auto=live.auto)))
    return owed
