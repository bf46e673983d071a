"""What opening, reminding and closing a round announce, and to whom.

Every announcement is a stored delivery with a key (see storage/repos/broadcasts): making it
twice finds the first, so a job that runs again, a restart or a catch-up announces once. The
broadcaster sends them, each recipient on its own: one that refuses the bot is tried again a
few times, then given up on and shown in /admin, and never holds anything else up. Messages to
people wait for the contest's civil hours (contest.yaml `announcements`); the organisers'
files go at once. Opening and closing by hand (/admin, `quizbot rounds`) announce through
the same functions as the calendar.

Closing a round asks the organisers to review it; its winners are announced only once the
jury approves them (`publish_results`, handlers.jury.actions), or at closing when the contest
approves automatically (`results.approval: auto`).
"""

from __future__ import annotations

from datetime import timedelta

from handlers import collective
from handlers.context import Services
from handlers.events import Message, Reply
from handlers.formatting import date_vn, datetime_vn, mask_name, number_vn
from handlers.texts import Raw
from storage.repos.audiences import ALL, DIRECT, absent, in_round
from storage.repos.broadcasts import FAILED, FailedDelivery
from storage.repos.rounds import CLOSED, OPEN

# What a delivery's document reference starts with: the round's internal results workbook.
RESULTS_FILE = "results:"
# ... and the certificates of its winners, in one ZIP.
CERTIFICATES_FILE = "certificates:"
# How far back /admin lists the chats and organisers a delivery has not reached.
FAILED_SHOWN = timedelta(days=7)


def opening_key(code: str) -> str:
    """The key of a round's opening announcement."""
    return f"open:{code}"


def reminder_key(code: str, days_left: int) -> str:
    """The key of the reminder `days_left` days before a round closes."""
    return f"remind:{code}:{days_left}"


def results_key(code: str) -> str:
    """The key of a round's results post; made last, so it marks the close as announced."""
    return f"winners:{code}"


def _winners_key(code: str) -> str:
    return f"winners-personal:{code}"


def _file_key(code: str) -> str:
    return f"results-file:{code}"


def _closing_key(code: str) -> str:
    return f"submitted-at-close:{code}"


def review_key(code: str) -> str:
    """The key of the organisers' call to review a closed round; made last when it closes."""
    return f"review:{code}"


def _certificates_key(code: str) -> str:
    return f"certificates-file:{code}"


async def announce_opening(svc: Services, code: str, *, actor: str = "scheduler") -> bool:
    """Tell everyone registered, and the announcement chat, that a round is open; False when
    it is not open (or already over)."""
    rnd = await svc.rounds.get(code)
    now = svc.clock.now()
    if rnd is None or rnd.status != OPEN or now > rnd.closes_at:
        return False
    text = svc.texts(
        "announce.opened",
        name=rnd.name,
        title=svc.contest.contest.title,
        closes=datetime_vn(rnd.closes_at, svc.contest.tz),
        questions=svc.contest.rules.questions_per_attempt,
        minutes=svc.contest.rules.time_limit_minutes,
    )
    await svc.broadcasts.create(
        text,
        actor=actor,
        now=now,
        key=opening_key(code),
        audience=ALL,
        direct=sorted(svc.announce_to),
        civil_hours=True,
        expires_at=rnd.closes_at,
    )
    return True


async def remind(svc: Services, code: str, days_left: int, *, actor: str = "scheduler") -> bool:
    """Remind those registered who have not taken part in an open round when it closes;
    False when the round is not open any more."""
    rnd = await svc.rounds.get(code)
    now = svc.clock.now()
    if rnd is None or rnd.status != OPEN or now >= rnd.closes_at:
        return False
    text = svc.texts(
        "announce.reminder", name=rnd.name, closes=datetime_vn(rnd.closes_at, svc.contest.tz)
    )
    await svc.broadcasts.create(
        text,
        actor=actor,
        now=now,
        key=reminder_key(code, days_left),
        audience=absent(code),
        civil_hours=True,
        expires_at=rnd.closes_at,
    )
    return True


async def results_to_organisers(svc: Services, code: str, *, actor: str = "scheduler") -> None:
    """Send the organisers an approved round's internal results workbook, made when it is
    sent."""
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.status != CLOSED or rnd.approved_at is None or not svc.admins:
        return
    await svc.broadcasts.create(
        svc.texts("admin.results_caption_full", name=rnd.name),
        actor=actor,
        now=svc.clock.now(),
        key=_file_key(code),
        audience=DIRECT,
        direct=sorted(svc.admins),
        document=f"{RESULTS_FILE}{code}",
    )


async def review_to_organisers(svc: Services, code: str, *, actor: str = "scheduler") -> None:
    """Tell the organisers a closed round waits for their review: its provisional prizes and
    how many ranked entries are flagged. Made once, also with no organiser to send it to: it
    marks the close as finished (see bot.scheduler)."""
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.status != CLOSED or rnd.approved_at is not None:
        return
    flagged = await svc.review.flags(code)
    text = svc.texts(
        "jury.review_asked",
        name=rnd.name,
        participants=number_vn(rnd.actual_figure or 0),
        winners=len(await svc.winners.of_round(code)),
        flagged=number_vn(len(flagged)),
        code=code,
    )
    await svc.broadcasts.create(
        text,
        actor=actor,
        now=svc.clock.now(),
        key=review_key(code),
        audience=DIRECT,
        direct=sorted(svc.admins),
    )


async def review_asked(svc: Services, code: str) -> bool:
    """Whether a closed round's organisers were asked to review it (its close finished)."""
    return await svc.broadcasts.by_key(review_key(code)) is not None


async def publish_results(svc: Services, code: str, *, actor: str = "scheduler") -> bool:
    """Once a closed round is approved: the organisers' internal workbook and certificates,
    each winner's congratulations, and the winners' list to everyone who took part and to the
    announcement chat. Every part is a delivery with a key, so publishing again (approved
    twice, or a restart halfway) makes each once. False when the round is not approved."""
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.status != CLOSED or rnd.approved_at is None:
        return False
    await results_to_organisers(svc, code, actor=actor)
    await certificates_to_organisers(svc, code, actor=actor)
    await announce_results(svc, code, actor=actor)
    return True


async def certificates_to_organisers(svc: Services, code: str, *, actor: str = "scheduler") -> None:
    """Send the organisers the certificates of an approved round's winners, in one ZIP made
    when it is sent."""
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.approved_at is None or not svc.admins:
        return
    if not await svc.winners.of_round(code):
        return
    await svc.broadcasts.create(
        svc.texts("jury.certificates_caption", name=rnd.name),
        actor=actor,
        now=svc.clock.now(),
        key=_certificates_key(code),
        audience=DIRECT,
        direct=sorted(svc.admins),
        document=f"{CERTIFICATES_FILE}{code}",
    )


async def announce_results(svc: Services, code: str, *, actor: str = "scheduler") -> None:
    """Congratulate each winner of an approved round, and tell everyone who took part (and
    the announcement chat) the winners, names masked."""
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.status != CLOSED or rnd.approved_at is None:
        return
    if await results_announced(svc, code):
        return
    t = svc.texts
    now = svc.clock.now()
    winners = await svc.winners.of_round(code)
    people = await svc.participants.entrants([w.participant_id for w in winners])
    personal: dict[int, str] = {}
    lines = []
    for w in winners:
        person = people[w.participant_id]
        prize = svc.contest.prize_name(w.tier)
        personal[w.participant_id] = str(
            t(
                "announce.winner",
                name=person.full_name,
                prize=prize,
                round=rnd.name,
                title=svc.contest.contest.title,
                organiser=svc.contest.contest.organiser,
            )
        )
        lines.append(
            str(
                t(
                    "announce.winner_line",
                    prize=prize,
                    name=mask_name(person.full_name),
                    locality=person.locality,
                )
            )
        )
    lines += await collective.announcement_lines(svc, code)
    if personal:
        await svc.broadcasts.create(
            "", actor=actor, now=now, key=_winners_key(code), personal=personal, civil_hours=True
        )
    published = date_vn(svc.contest.announcements.next_allowed(now, svc.contest.tz), svc.contest.tz)
    actual = rnd.actual_figure or 0
    if actual == 0:
        summary = t("announce.results_empty", name=rnd.name, date=published)
    else:
        summary = t(
            "announce.results",
            name=rnd.name,
            participants=number_vn(actual),
            lines=Raw("\n".join(lines)) if lines else t("announce.no_winners"),
            date=published,
        )
    await svc.broadcasts.create(
        summary,
        actor=actor,
        now=now,
        key=results_key(code),
        audience=in_round(code),
        direct=sorted(svc.announce_to),
        civil_hours=True,
    )


async def results_announced(svc: Services, code: str) -> bool:
    """Whether a closed round's announcements were all made (the results post is the last)."""
    return await svc.broadcasts.by_key(results_key(code)) is not None


async def result_owed(svc: Services, code: str, user_key: str, replies: list[Reply]) -> None:
    """The result of an attempt the closing submitted, for the account that was taking it."""
    text = "\n\n".join(r.text for r in replies if isinstance(r, Message))
    if not text:
        return
    channel, _, user_id = user_key.partition(":")
    await svc.broadcasts.add_personal(
        _closing_key(code),
        channel=channel,
        channel_user_id=user_id,
        text=text,
        actor="scheduler",
        now=svc.clock.now(),
    )


async def failed_line(svc: Services) -> Raw:
    """For /admin: the chats and organisers an announcement has not reached lately, or ""."""
    since = svc.clock.now() - FAILED_SHOWN
    rows = await svc.broadcasts.failed_direct(since=since, limit=3)
    if not rows:
        return Raw("")
    items = [str(_failed_item(svc, row)) for row in rows]
    return Raw("\n" + svc.texts("announce.failed", items=Raw("; ".join(items))))


def _failed_item(svc: Services, row: FailedDelivery) -> Raw:
    t = svc.texts
    kind, _, rest = (row.key or "").partition(":")
    code = rest.split(":", 1)[0]
    try:
        name = svc.contest.round(code).name
    except KeyError:
        name = code
    what = {
        "open": t("announce.what_opening", name=name),
        "winners": t("announce.what_results", name=name),
        "results-file": t("announce.what_file", name=name),
        "certificates-file": t("announce.what_certificates", name=name),
        "review": t("announce.what_review", name=name),
    }.get(kind) or t("announce.what_other", id=row.broadcast_id)
    user_key = f"{row.channel}:{row.channel_user_id}"
    if user_key in svc.announce_to:
        to = t("announce.to_chat", chat=row.channel_user_id)
    elif user_key in svc.admins:
        to = t("announce.to_organiser", id=row.channel_user_id)
    else:
        to = t("announce.to_other", id=row.channel_user_id)
    state = t("announce.gave_up") if row.status == FAILED else t("announce.retrying")
    return t("announce.failed_item", what=what, to=to, error=row.error[:80], state=state)
