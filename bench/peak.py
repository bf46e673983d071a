"""Peak evening: the real `quizbot run` in webhook mode against a fake Telegram that enforces
Telegram's flood limits (30 messages in any second per bot, one a second per chat with a burst
of 3), attempts starting at a steady rate, each participant thinking 2-8 s per question.

Participants are registered beforehand straight into the process's database (registering
through the chat is not what is measured). Each one, at its start time, sends /thi, and for each
question waits until it shows, thinks, taps a random option, and waits for the next question;
then types the prediction and waits for the result. An optional broadcast to everyone
registered (more people than the quiz takers) runs at the same time.

Reported per rate: messages per answer, 429s received, replies lost (a next question or result
not shown within LOST_AFTER), attempts finished, tap acknowledgement p99, tap to next question
p99, and the error between the time the bot recorded for each attempt and the participant's
own thinking time (measured on the participant's side, from seeing a question to tapping).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import percentile
from bench.setup import RESULTS_DIR, full_name, phone, redis_prefix, unit
from bot.app import open_app
from bot.config import Settings
from storage.repos import ParticipantDetails
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.limits import counted
from tests.support.process import DB_FILE
from tests.telegram.process import TOKEN, BotConfig, running_bot

LOST_AFTER = 60.0  # seconds without the next question: the reply counts as lost
THINK = (2.0, 8.0)  # seconds a participant thinks per question (uniform), by default
PREDICTION = "1500"
ANNOUNCEMENT = "Thông báo của Ban Tổ chức: cuộc thi đang diễn ra, mời bạn tham gia."
FIRST_UID = 700_000_000
# How the calendar's announcement of an opened round begins (texts: announce.opened).
ROUND_OPEN = "📢"


@dataclass
class Taker:
    """One participant's attempt, as they lived it."""

    uid: int
    thinking_s: float = 0.0
    answers: int = 0
    ack_ms: list[float] = field(default_factory=list)
    next_ms: list[float] = field(default_factory=list)
    lost: bool = False
    lost_waiting: str = ""  # what the participant waited for in vain
    finished: bool = False


async def _wait_shown(tg: FakeTelegram, uid: int, text: str, taker: Taker) -> bool:
    try:
        await tg.wait_for_text(uid, text, timeout=LOST_AFTER)
    except AssertionError:
        taker.lost = True
        taker.lost_waiting = text
        return False
    return True


async def _acknowledged(tg: FakeTelegram, query: str) -> float | None:
    """When the bot answered the tap (its spinner stopped), or None if it never did."""
    try:
        await tg.wait_for(lambda: query in tg.callback_answers, LOST_AFTER)
    except AssertionError:
        return None
    return time.monotonic()


async def _take(
    tg: FakeTelegram, taker: Taker, rng: random.Random, think: tuple[float, float]
) -> None:
    """The attempt of one participant, from /thi to the result."""
    uid = taker.uid
    user = tg.user(uid, "An")
    user.send_text("/thi")
    if not await _wait_shown(tg, uid, "Câu 1/10", taker):
        return
    [message_id] = [m.message_id for m in tg.sent_to(uid) if "Câu 1/10" in m.shown]
    for n in range(1, 11):
        seen = time.monotonic()
        await asyncio.sleep(rng.uniform(*think))
        data = rng.choice(tg.message(uid, message_id).buttons).callback_data or ""
        tapped = time.monotonic()
        taker.thinking_s += tapped - seen
        query = user.tap(message_id, data)["callback_query"]["id"]
        taker.answers += 1
        following = f"Câu {n + 1}/10" if n < 10 else "Câu hỏi dự đoán"
        acked = asyncio.create_task(_acknowledged(tg, query))
        if not await _wait_shown(tg, uid, following, taker):
            acked.cancel()
            return
        taker.next_ms.append((time.monotonic() - tapped) * 1000)
        at = await acked
        if at is not None:
            taker.ack_ms.append((at - tapped) * 1000)
    seen = time.monotonic()
    await asyncio.sleep(rng.uniform(*think))
    taker.thinking_s += time.monotonic() - seen
    user.send_text(PREDICTION)
    taker.answers += 1
    if await _wait_shown(tg, uid, "Số câu đúng", taker):
        taker.finished = True


async def _register(folder: Path, redis: tuple[str, str], uids: list[int], seed: int) -> None:
    """Everyone registered in the process's database before it starts (as a real evening's
    participants registered on earlier days)."""
    rng = random.Random(seed)
    settings = Settings(
        database_url=f"sqlite:///{folder / DB_FILE}",
        redis_url=redis[0],
        redis_prefix=redis[1],
        contest_file=folder / "contest.yaml",
        _env_file=None,
    )
    async with open_app(settings) as app:
        svc = app.svc
        for i, uid in enumerate(uids):
            await svc.participants.register(
                ParticipantDetails(
                    full_name=full_name(rng),
                    phone=phone(i),
                    birth_year=rng.randrange(1960, 2006),
                    locality=rng.choice(svc.contest.localities),
                    unit=unit(rng),
                ),
                channel="telegram",
                channel_user_id=str(uid),
                display_name="An",
                source="bench",
                now=svc.clock.now(),
                consent_version=svc.contest.consent.version,
            )


async def _broadcast(folder: Path, redis: tuple[str, str]) -> int:
    """An organiser's announcement to everyone registered, as /admin would start it."""
    settings = Settings(
        database_url=f"sqlite:///{folder / DB_FILE}",
        redis_url=redis[0],
        redis_prefix=redis[1],
        contest_file=folder / "contest.yaml",
        _env_file=None,
    )
    async with open_app(settings) as app:
        _, recipients = await app.svc.broadcasts.create(
            ANNOUNCEMENT,
            actor="bench",
            now=app.svc.clock.now(),
        )
    return recipients


async def run_rate(
    rate: float,
    *,
    seconds: float,
    broadcast: int,
    seed: int,
    redis_url: str,
    think: tuple[float, float] = THINK,
    send_rate: float | None = None,
) -> dict[str, Any]:
    """One run: attempts starting at `rate` a second for `seconds`."""
    rng = random.Random(seed)
    takers = [Taker(FIRST_UID + i) for i in range(max(1, round(rate * seconds)))]
    audience = [t.uid for t in takers] + [
        FIRST_UID + len(takers) + i for i in range(max(0, broadcast - len(takers)))
    ]
    with tempfile.TemporaryDirectory(prefix="quizbot-peak-") as tmp:
        folder = Path(tmp)
        async with redis_prefix(redis_url) as (_, prefix), FakeTelegram(TOKEN) as tg:
            config = BotConfig(
                mode="webhook",
                redis=(redis_url, prefix),
                webhook_secret="peak-evening",
                send_rate=send_rate,
            )
            config.environment(tg, folder)  # writes the contest file the registration reads
            await _register(folder, (redis_url, prefix), audience, seed)
            for uid in audience:
                tg.user(uid, "An")
            async with running_bot(tg, folder, config) as bot:
                sent_before = len(tg.requests)
                started = time.monotonic()
                recipients = await _broadcast(folder, (redis_url, prefix)) if broadcast else 0
                tasks = []
                for i, taker in enumerate(takers):
                    delay = started + i / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    own = random.Random(rng.random())
                    tasks.append(asyncio.create_task(_take(tg, taker, own, think)))
                await asyncio.gather(*tasks)
                wall = time.monotonic() - started
                calls = tg.requests[sent_before:]
                recorded = _recorded(bot.db_path)
                if any(t.lost for t in takers):  # keep what the bot said, to see why
                    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                    kept = RESULTS_DIR / f"peak-{rate:g}-{int(time.time())}.log"
                    kept.write_text(bot.log, encoding="utf-8")
    refused = dict(tg.flood.refused)
    return _figures(rate, seconds, takers, calls, refused, recorded, wall, recipients)


def _recorded(db_path: Path) -> dict[int, int]:
    """Each participant's recorded time (ms), by Telegram user id."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT acc.channel_user_id, a.duration_ms FROM attempts a "
            "JOIN accounts acc ON acc.participant_id = a.participant_id"
        ).fetchall()
    return {int(uid): int(ms) for uid, ms in rows}


def _figures(
    rate: float,
    seconds: float,
    takers: list[Taker],
    calls: list[Any],
    refused: dict[str, int],
    recorded: dict[int, int],
    wall: float,
    recipients: int,
) -> dict[str, Any]:
    quiz_uids = {t.uid for t in takers}
    # The quiz's own messages: to the takers' chats, the announcements left out (the bench's
    # own, and the calendar's "round open" one, which the bot sends everyone registered).
    messages = sum(
        1
        for c in calls
        if counted(c.method)
        and c.status == 200
        and _chat(c.params) in quiz_uids
        and not _announcement(str(c.params.get("text", "")))
    )
    all_messages = sum(1 for c in calls if counted(c.method) and c.status == 200)
    answers = sum(t.answers for t in takers)
    errors = [
        abs(recorded[t.uid] / 1000 - t.thinking_s)
        for t in takers
        if t.finished and t.uid in recorded
    ]
    acks = [ms for t in takers for ms in t.ack_ms]
    nexts = [ms for t in takers for ms in t.next_ms]
    return {
        "rate": rate,
        "seconds": seconds,
        "attempts": len(takers),
        "finished": sum(t.finished for t in takers),
        "answers": answers,
        "messages_per_answer": round(messages / answers, 3) if answers else None,
        "messages_per_s": round(all_messages / wall, 1),
        "http_429": sum(refused.values()),
        "http_429_by_limit": refused,
        "replies_lost": sum(t.lost for t in takers),
        "lost_waiting_for": [t.lost_waiting for t in takers if t.lost],
        "ack_p99_ms": round(percentile(sorted(acks), 99), 1) if acks else None,
        "next_p50_ms": round(percentile(sorted(nexts), 50), 1) if nexts else None,
        "next_p99_ms": round(percentile(sorted(nexts), 99), 1) if nexts else None,
        "time_error_p99_s": round(percentile(sorted(errors), 99), 2) if errors else None,
        "time_error_max_s": round(max(errors), 2) if errors else None,
        "broadcast_recipients": recipients,
        "wall_s": round(wall, 1),
    }


def _announcement(text: str) -> bool:
    return ANNOUNCEMENT in text or text.startswith(ROUND_OPEN)


def _chat(params: dict[str, Any]) -> int | None:
    try:
        return int(params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


async def run(
    rates: tuple[float, ...],
    *,
    seconds: float,
    broadcast: int,
    seed: int,
    redis_url: str,
    think: tuple[float, float] = THINK,
    send_rate: float | None = None,
    only_broadcast: bool = False,
) -> dict[str, Any]:
    """Every rate, without and (if asked) with a broadcast running."""
    results: dict[str, Any] = {"plain": {}, "broadcast": {}}
    for rate in rates:
        if not only_broadcast:
            results["plain"][str(rate)] = await run_rate(
                rate,
                seconds=seconds,
                broadcast=0,
                seed=seed,
                redis_url=redis_url,
                think=think,
                send_rate=send_rate,
            )
        if broadcast:
            results["broadcast"][str(rate)] = await run_rate(
                rate,
                seconds=seconds,
                broadcast=broadcast,
                seed=seed,
                redis_url=redis_url,
                think=think,
                send_rate=send_rate,
            )
    return results
