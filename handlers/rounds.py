"""Organiser actions on rounds: sync from the contest file, open, close, and the results."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace

from handlers import announce, anonymity, collective, entries, sample_bank
from handlers.contest import Approval
from handlers.context import Services
from handlers.jury import flags
from handlers.ranking import Award, BestAttempts, Ranked, allocate, in_order
from handlers.submit import finalise
from storage.models import Round
from storage.repos.participants import Entrant
from storage.repos.rounds import CLOSED, SCHEDULED

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoundResults:
    """A round's ranking and prizes, re-derived from the stored answers."""

    round: Round
    actual: int
    final: bool
    ranking: list[Ranked]
    awards: list[Award]
    people: dict[int, Entrant]
    # Ranked entries that cannot win, and why: "excluded", "withdrawn", "on_hold" or
    # "set_aside" by the jury in this round (handlers.entries).
    ineligible: dict[int, str] = field(default_factory=dict)
    # Winners who withdrew consent, as stored at closing: `people` shows them nameless, the
    # organisers' internal copy and the certificates as they were (handlers.anonymity).
    withheld: dict[int, Entrant] = field(default_factory=dict)
    # The jury approved the winners (or the contest approves at closing): they are frozen
    # and announced. Until then a closed round's prizes are provisional.
    approved: bool = False

    def internal(self) -> RoundResults:
        """The results as the organisers' internal copy shows them: withheld winners named."""
        return replace(self, people={**self.people, **self.withheld}) if self.withheld else self


async def sync_rounds(svc: Services) -> None:
    """Create or update the rounds in SQL from the contest file."""
    planned = []
    for r in svc.contest.rounds:
        opens, closes = svc.contest.window(r.code)
        planned.append((r.code, r.name, opens, closes))
    await svc.rounds.sync(planned)


async def reconcile(svc: Services) -> list[tuple[str, str]]:
    """Bring round status in line with the clock: open what should be open, close what ended.

    Returns the (code, "open"|"close") transitions made. Running it again makes none.
    """
    now = svc.clock.now()
    done: list[tuple[str, str]] = []
    for r in await svc.rounds.all():
        if r.status == SCHEDULED and r.opens_at <= now <= r.closes_at:
            if await open_round(svc, r.code, actor="scheduler"):
                done.append((r.code, "open"))
        elif r.status != CLOSED and now > r.closes_at:
            await close_round(svc, r.code, actor="scheduler")
            done.append((r.code, "close"))
    return done


async def open_round(svc: Services, code: str, *, actor: str) -> bool:
    """Open a round now and announce it; False if it is not scheduled (already open, or
    closed). The calendar, /admin and the command line all open through here."""
    opened = await svc.rounds.set_open(code, svc.clock.now())
    if opened:
        await svc.audit.record(actor=actor, action="round.open", at=svc.clock.now(), round=code)
        await announce.announce_opening(svc, code, actor=actor)
        # Opened all the same on the sample bank (the calendar never stops; by hand it was
        # confirmed twice), but every organiser is told.
        if await sample_bank.warn_organisers(svc, code):
            log.warning("round %s opened on the sample bank, whose answers are public", code)
    return opened


async def close_round(svc: Services, code: str, *, actor: str) -> RoundResults:
    """Close a round. The calendar, /admin and the command line all close through here.

    Closing (attempts in flight submitted and their results owed to their takers, the actual
    figure fixed, the ranking, the provisional prizes and the review flags stored) leaves the
    results provisional: the organisers are told to review them, and nothing about winners is
    announced until the jury approves (handlers.jury.actions). With `results.approval: auto`
    the round is approved here, by "auto", and announced at once. Each step is idempotent:
    closing twice, or resuming a close that was interrupted, gives the same winners, stores
    them once and announces once.
    """
    results = await close_and_rank(svc, code, actor=actor)
    if svc.contest.results.approval == Approval.AUTO:
        await svc.review.approve(code, actor="auto", now=svc.clock.now())
    if await announce.publish_results(svc, code, actor=actor):
        results = replace(results, approved=True)
    return results


async def close_and_rank(svc: Services, code: str, *, actor: str) -> RoundResults:
    """Close a round: submit attempts still in flight, fix the actual figure, rank, award
    provisionally, find the review flags and, for the jury, ask the organisers to review.
    Announces nothing to participants."""
    now = svc.clock.now()
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise KeyError(code)
    if rnd.status != CLOSED:
        await _finish_in_flight(svc, code)
        actual = await svc.attempts.participants_in_round(code)
        await svc.rounds.set_closed(code, now, actual)
        await svc.audit.record(actor=actor, action="round.close", at=now, round=code, actual=actual)
    await entries.exclude_listed(svc)
    results = await round_results(svc, code)
    stored = await svc.winners.store(code, await entries.prizes(svc, results.awards), now)
    if stored:
        await svc.audit.record(
            actor=actor, action="round.winners", at=now, round=code, winners=len(results.awards)
        )
    if rnd.flagged_at is None:  # as read before closing: found once, not at every re-close
        found = await flags.find(svc, code, results.ranking, results.actual)
        await svc.review.store_flags(code, found, now)  # once, even if two closes race
    await collective.award(svc, code)
    if svc.contest.results.approval == Approval.JURY:
        await announce.review_to_organisers(svc, code, actor=actor)
    return results


async def _finish_in_flight(svc: Services, code: str) -> None:
    """Submit the round's attempts still in flight; each taker is owed their result."""
    for pid in await svc.store.due(now_ms=1 << 62, limit=1_000_000):
        live = await svc.store.attempt(pid)
        if live is not None and live.round_code == code:
            replies = await finalise(svc, pid, live, auto=True)
            await announce.result_owed(svc, code, live.user_key, replies)


async def excluded_participants(svc: Services) -> set[int]:
    """Participant ids that cannot win: excluded for good, or on hold (handlers.entries)."""
    return set(await entries.ineligible(svc))


async def round_results(svc: Services, code: str) -> RoundResults:
    """Ranking and prizes of a round from the stored answers (provisional while it is open)."""
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise KeyError(code)
    final = rnd.status == CLOSED and rnd.actual_figure is not None
    actual = (
        rnd.actual_figure
        if final and rnd.actual_figure is not None
        else (await svc.attempts.participants_in_round(code))
    )
    ranking, people = await _ranked(svc, code, actual)
    tiers = [(p.tier.value, p.count) for p in svc.contest.prizes]
    stored = await svc.winners.of_round(code) if final else []
    ineligible = await entries.ineligible(svc)
    ineligible.update(dict.fromkeys(await svc.review.set_aside(code), entries.SET_ASIDE))
    if stored:
        # Once prizes are stored they stand, even if the contest file changes afterwards,
        # and their winners are shown as they were at closing.
        awards = [Award(w.tier, w.rank, w.participant_id, w.attempt_id) for w in stored]
        people = entries.as_stored(people, stored)
    else:
        awards = allocate(ranking, tiers, excluded=set(ineligible))
    ranked = {pid: why for pid, why in ineligible.items() if pid in people}
    people, withheld = await anonymity.public_view(svc, people, [a.participant_id for a in awards])
    approved = final and rnd.approved_at is not None
    return RoundResults(rnd, actual, final, ranking, awards, people, ranked, withheld, approved)


async def _ranked(svc: Services, code: str, actual: int) -> tuple[list[Ranked], dict[int, Entrant]]:
    """The ranking from the stored answers, and its people.

    The recount of every attempt's right answers (a grouped join over all the round's
    answers, about a second for 300,000 attempts) runs in the database while the attempts
    as submitted are ranked here, a slice at a time as they are read (a round can have
    millions), and the people read; in the rare case it contradicts a stored figure, the
    attempts are read again and ranked with the recounts in place.
    """
    recount = asyncio.create_task(svc.attempts.recounts_that_differ(code))
    try:
        ranking = await _rank_as_read(svc, code, actual, None)
        people = await svc.participants.entrants([r.participant_id for r in ranking])
        recounted = await recount
    finally:
        recount.cancel()
    if recounted:
        svc.attempts.log_recounts(code, recounted)
        ranking = await _rank_as_read(svc, code, actual, recounted)
    return ranking, people


async def _rank_as_read(
    svc: Services, code: str, actual: int, recounted: dict[int, int] | None
) -> list[Ranked]:
    """Rank the attempts as they are read: only each one's best by the stored figures (the
    database picks them, and PostgreSQL sorts them too), or, with recounts, every attempt
    with the recounts in place."""
    if recounted is None and svc.attempts.ranks_in_database:
        ranking: list[Ranked] = []
        async for part in svc.attempts.best_in_ranking_order(code, actual):
            ranking.extend(in_order(part, actual, len(ranking) + 1))
        return ranking
    best = BestAttempts(actual)
    best_for = actual if recounted is None else None
    async for part in svc.attempts.submitted_slices(code, best_for=best_for):
        best.add(svc.attempts.corrected(code, part, recounted or {}, logged=False))
    return best.ranking()
