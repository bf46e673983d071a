"""Consent to the processing of personal data: the text and its version (contest.yaml
`consent`), asked at registration and again before the next attempt once the text changes.

    /thi -> (agreed to an older version) -> the new text: Đồng ý -> stored, the attempt starts
                                                           Không đồng ý -> no attempt, nothing
                                                                           else changes

An attempt already under way goes on: the new text is asked for before the one after.
"""

from __future__ import annotations

from handlers import quiz
from handlers.common import participant_id
from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, User
from handlers.texts import Raw

# Tokens: "pd:c:<version>" agrees to that version (a tap on a text since replaced agrees to
# nothing), "pd:c:-" declines.
PREFIX = "pd:c:"
DECLINE = f"{PREFIX}-"


def text(svc: Services) -> Raw:
    """The consent text in force, with its heading and version, asking for an answer."""
    consent = svc.contest.consent
    body = consent.text or svc.texts(
        "consent.default_text", organiser=svc.contest.contest.organiser
    )
    return svc.texts("consent.text", version=consent.version, text=body)


def buttons(svc: Services, *, agree: str, decline: str) -> tuple[tuple[Button, ...], ...]:
    """Agree and decline, carrying the given tokens."""
    t = svc.texts
    return (
        (Button(t("register.button_agree"), agree), Button(t("register.button_disagree"), decline)),
    )


async def before_attempt(svc: Services, user: User, pid: int | None) -> list[Reply] | None:
    """The consent text in force, when the entry agreed to another version and is about to
    start an attempt; None when the attempt may go ahead (or resume)."""
    if pid is None or await svc.store.attempt(pid) is not None:
        return None
    person = await svc.participants.get(pid)
    version = svc.contest.consent.version
    if person is None or person.consent_version == version:
        return None
    return [
        Message(svc.texts("consent.changed")),
        Message(text(svc), buttons=buttons(svc, agree=f"{PREFIX}{version}", decline=DECLINE)),
    ]


async def on_choice(svc: Services, user: User, token: str) -> list[Reply]:
    """Agreeing to the text in force (then the attempt starts), or declining."""
    t = svc.texts
    pid = await participant_id(svc, user)
    if pid is None:
        return [Notice(t("common.expired_button"))]
    if token == DECLINE:
        return [Message(t("consent.declined"))]
    version = svc.contest.consent.version
    if token.removeprefix(PREFIX) != version:
        # Shown before the text changed again: the text agreed to must be the one in force.
        asked = await before_attempt(svc, user, pid)
        return [Notice(t("common.expired_button")), *(asked or [])]
    person = await svc.participants.get(pid)
    replies: list[Reply] = []
    if person is not None and person.consent_version != version:
        await svc.personal.agree(pid, version, svc.clock.now())
        replies.append(Message(t("consent.agreed", version=version)))
    return replies + await quiz.start(svc, user.key, pid)
