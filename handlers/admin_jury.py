"""The jury's review in chat: /admin → ⚖️ → a closed round → its winners and flagged entries,
page by page, each with a button to set it aside (a reason is typed next) or restore it, and
approval behind a confirmation.

Every button of a page shares one one-time code (handlers.admin_steps): the first tap claims
it, so a double tap or a replayed update acts once, and each new page issues a new code. The
actions are handlers.jury.actions, as the command line and the web call them.
"""

from __future__ import annotations

from handlers.admin_steps import CANCEL, PREFIX, pick_round
from handlers.context import Services
from handlers.events import Button, Message, Reply, User
from handlers.formatting import datetime_vn, duration_vn, number_vn
from handlers.jury import actions
from handlers.jury.actions import JuryError
from handlers.jury.review import ReviewEntry, ReviewPage, review
from handlers.reports.prizes import not_eligible
from handlers.rounds import round_results
from handlers.texts import Raw
from storage.repos.rounds import CLOSED

ACTION = "jury"
# The conversation step while an organiser types the reason for setting an entry aside.
STEP_REASON = f"{PREFIX}jury_reason"


async def step(svc: Services, user: User, code: str, choice: str, ref: str | None) -> list[Reply]:
    """A tap in the jury's review (the one-time code, if any, already claimed)."""
    t = svc.texts
    if not code:
        rounds = [r for r in await svc.rounds.all() if r.status == CLOSED]
        return pick_round(ACTION, rounds, ask=t("jury.pick"), none=t("jury.none"), ref=ref)
    try:
        if choice.startswith("a"):
            return await _ask_reason(svc, user, code, int(choice[1:]), ref)
        if choice.startswith("r"):
            pid = int(choice[1:])
            entry = await _entry(svc, code, pid)
            done = await actions.restore(svc, code, pid, actor=user.key)
            rank, name = entry
            note = (
                t("jury.restored", rank=rank, name=name)
                if done
                else t("jury.restore_none", rank=rank, name=name)
            )
            return [Message(note, replace=ref), await page(svc, user, code, 1)]
        if choice == "ok":
            return await _confirm(svc, user, code, ref)
        if choice == "yes":
            rnd = await svc.rounds.get(code)
            name = rnd.name if rnd else code
            if await actions.approve(svc, code, actor=user.key):
                return [Message(t("jury.approved", name=name), replace=ref)]
            return [Message(t("jury.approved_before", name=name), replace=ref)]
        number = int(choice[1:]) if choice.startswith("p") else 1
        return [await page(svc, user, code, number, ref)]
    except JuryError as exc:
        return [Message(t(exc.key, **exc.values), replace=ref)]


async def waiting_line(svc: Services) -> Raw:
    """For /admin: the closed rounds whose results wait for the jury, or ""."""
    waiting = [r.name for r in await svc.rounds.all() if r.status == CLOSED and not r.approved_at]
    if not waiting:
        return Raw("")
    return Raw("\n\n" + svc.texts("jury.waiting", names=", ".join(waiting)))


async def page(
    svc: Services, user: User, code: str, number: int, ref: str | None = None
) -> Message:
    """A page of the review, with one-time buttons when the results may still change."""
    p = await review(svc, code, number)
    text = render(svc, p)
    step_code = await svc.store.issue_step(user.key, f"{ACTION}:{code}")

    def button(label: Raw | str, choice: str) -> Button:
        return Button(str(label), f"{PREFIX}{ACTION}:{code}:{choice}:{step_code}")

    t = svc.texts
    rows: list[tuple[Button, ...]] = []
    if not p.approved:
        for e in p.entries:
            rank = e.place.rank
            if e.aside is None:
                rows.append(
                    (button(t("jury.button_aside", rank=rank), f"a{e.place.participant_id}"),)
                )
            else:
                label = t("jury.button_restore", rank=rank)
                rows.append((button(label, f"r{e.place.participant_id}"),))
    nav = []
    if p.page > 1:
        nav.append(button(t("jury.button_previous"), f"p{p.page - 1}"))
    if p.page < p.pages:
        nav.append(button(t("jury.button_next"), f"p{p.page + 1}"))
    if nav:
        rows.append(tuple(nav))
    if not p.approved:
        rows.append((button(t("jury.button_approve"), "ok"),))
    return Message(text, buttons=tuple(rows), replace=ref)


def render(svc: Services, p: ReviewPage) -> Raw:
    """A review page's text."""
    t = svc.texts
    if p.approved and p.approved_at is not None:
        state = t(
            "jury.state_approved", at=datetime_vn(p.approved_at, svc.contest.tz), by=p.approved_by
        )
    else:
        state = t("jury.state_provisional")
    lines = [str(_entry_text(svc, e)) for e in p.entries] or [str(t("jury.nobody"))]
    return t(
        "jury.page",
        name=p.round.name,
        state=state,
        participants=number_vn(p.actual),
        winners=p.winners,
        flagged=number_vn(p.flagged),
        aside=p.set_aside,
        page=p.page,
        pages=p.pages,
        entries=Raw("".join(lines)),
    )


def _entry_text(svc: Services, e: ReviewEntry) -> Raw:
    t = svc.texts
    extra = [str(t("jury.entry_flag", reason=r)) for r in e.reasons]
    if e.aside is not None:
        at = datetime_vn(e.aside.at, svc.contest.tz)
        extra.append(str(t("jury.entry_aside", reason=e.aside.reason, by=e.aside.actor, at=at)))
    elif e.ineligible:
        why = not_eligible(t, e.ineligible, internal=True)
        extra.append(str(t("jury.entry_ineligible", reason=why)))
    prediction = e.place.prediction
    return t(
        "jury.entry",
        rank=e.place.rank,
        name=e.name,
        locality=e.locality,
        id=e.place.participant_id,
        correct=e.place.correct,
        duration=duration_vn(e.place.duration_ms),
        prediction=number_vn(prediction)
        if prediction is not None
        else t("jury.entry_no_prediction"),
        prize=t("jury.entry_prize", prize=svc.contest.prize_name(e.tier)) if e.tier else "",
        flags=Raw("".join(extra)),
    )


async def _entry(svc: Services, code: str, participant_id: int) -> tuple[int, str]:
    """(rank, name) of a ranked entry, for what the jury reads."""
    results = await round_results(svc, code)
    person = results.internal().people.get(participant_id)
    rank = next((r.rank for r in results.ranking if r.participant_id == participant_id), 0)
    if not rank:
        raise JuryError("jury.not_ranked", id=participant_id)
    return rank, person.full_name if person else ""


async def _ask_reason(
    svc: Services, user: User, code: str, participant_id: int, ref: str | None
) -> list[Reply]:
    rnd = await svc.rounds.get(code)
    if rnd is None or rnd.approved_at is not None:
        raise JuryError("jury.frozen")
    rank, name = await _entry(svc, code, participant_id)
    await svc.store.save_conversation(
        user.key, {"step": STEP_REASON, "round": code, "participant": str(participant_id)}
    )
    return [
        Message(svc.texts("jury.ask_reason", rank=rank, name=name, round=rnd.name), replace=ref)
    ]


async def on_reason(svc: Services, user: User, conv: dict[str, str], text: str) -> list[Reply]:
    """The reason typed for setting an entry aside: set it aside, show the review again."""
    t = svc.texts
    code, pid = conv.get("round", ""), int(conv.get("participant", "0"))
    try:
        rank, name = await _entry(svc, code, pid)
        done = await actions.set_aside(svc, code, pid, text, actor=user.key)
    except JuryError as exc:
        if exc.key != "jury.reason_needed":  # a reason too long or empty: type it again
            await svc.store.clear_conversation(user.key)
        return [Message(t(exc.key, **exc.values))]
    await svc.store.clear_conversation(user.key)
    note = (
        t("jury.set_aside_done", rank=rank, name=name)
        if done
        else t("jury.set_aside_already", rank=rank, name=name)
    )
    return [Message(note), await page(svc, user, code, 1)]


async def _confirm(svc: Services, user: User, code: str, ref: str | None) -> list[Reply]:
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise JuryError("jury.unknown_round", code=code)
    if rnd.approved_at is not None:
        raise JuryError("jury.frozen")
    step_code = await svc.store.issue_step(user.key, f"{ACTION}:{code}")
    t = svc.texts
    winners = len(await svc.winners.of_round(code))
    buttons = (
        (
            Button(str(t("jury.button_approve_yes")), f"{PREFIX}{ACTION}:{code}:yes:{step_code}"),
            Button(str(t("admin.button_cancel")), f"{PREFIX}{ACTION}:{code}:{CANCEL}:{step_code}"),
        ),
    )
    return [
        Message(
            t("jury.approve_confirm", name=rnd.name, winners=winners), buttons=buttons, replace=ref
        )
    ]
