"""Linking accounts across channels with a one-time code; nothing else links two accounts.

On a registered account, /lienket gives an 8-digit code that works once, for 10 minutes.
Typed on an account of another channel ("lienket 12345678", with or without "/" or
diacritics), it joins that account to the entry: one set of attempt limits, one line in the
ranking. An account whose own entry has attempts cannot be linked; one whose entry has none
leaves it (it is discarded). Wrong codes are limited per account and day, so codes cannot be
guessed.
"""

from __future__ import annotations

import re
import secrets

from handlers import entries
from handlers.common import MENU_QUIZ, participant_id
from handlers.context import Services
from handlers.details import fold
from handlers.events import Button, Message, Reply, User
from storage.keys import LINK_CODE_TTL
from storage.repos.identities import LinkResult

CODE_DIGITS = 8
FAILURES_PER_DAY = 5
_MINUTES = int(LINK_CODE_TTL.total_seconds() // 60)
# "lienket", "/lien ket 1234 5678", "liên kết: 12345678" (after folding).
_TYPED = re.compile(r"/?lien ?ket(?:@\w+)?(?:\s*[:.\-]?\s*(?P<code>[0-9][0-9 ]*))?")


def typed(text: str) -> str | None:
    """The code of a typed linking request ("" when none is given), or None for other text."""
    match = _TYPED.fullmatch(fold(text))
    if match is None:
        return None
    return (match["code"] or "").replace(" ", "")


async def command(svc: Services, user: User, args: str) -> list[Reply]:
    """/lienket alone gives a code; /lienket CODE uses one."""
    code = "".join(args.split())
    return await redeem(svc, user, code) if code else await issue(svc, user)


async def issue(svc: Services, user: User) -> list[Reply]:
    """A fresh code for the entry of this account (its earlier code stops working)."""
    pid = await participant_id(svc, user)
    if pid is None:
        return [Message(svc.texts("link.how"))]
    while True:  # a clash with another entry's live code is one in millions
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if await svc.identity_store.issue(pid, code, svc.now_ms()):
            return [Message(svc.texts("link.code", code=code, minutes=_MINUTES))]


async def redeem(svc: Services, user: User, code: str) -> list[Reply]:
    """Link this account to the entry a code names."""
    t, ids = svc.texts, svc.identity_store
    day = entries.local_day(svc)
    if await ids.failures(user.key, day) >= FAILURES_PER_DAY:
        return [Message(t("link.too_many_failures", n=FAILURES_PER_DAY))]
    well_formed = len(code) == CODE_DIGITS and code.isdigit()
    target = await ids.holder(code, svc.now_ms()) if well_formed else None
    if target is None:
        await ids.fail(user.key, day)
        return [Message(t("link.bad_code", minutes=_MINUTES))]
    person = await svc.participants.get(target)
    mine = await participant_id(svc, user)
    if person is None:
        return [Message(t("link.bad_code", minutes=_MINUTES))]
    if mine == target:
        return [Message(t("link.already", name=person.full_name))]
    if mine is not None and await entries.frozen(svc, mine):
        return [Message(t("link.has_attempts"))]
    if any(a.channel == user.channel for a in await svc.participants.accounts_of(target)):
        return [Message(t("link.channel_taken"))]
    if await ids.take(code, svc.now_ms()) != target:  # used a moment ago by someone else
        return [Message(t("link.bad_code", minutes=_MINUTES))]
    result = await svc.identities.link(
        target,
        channel=user.channel,
        channel_user_id=user.id,
        display_name=user.name,
        now=svc.clock.now(),
    )
    if result is LinkResult.HAS_ATTEMPTS:
        return [Message(t("link.has_attempts"))]
    if result is LinkResult.CHANNEL_TAKEN:
        return [Message(t("link.channel_taken"))]
    if result is LinkResult.GONE:
        return [Message(t("link.bad_code", minutes=_MINUTES))]
    await svc.store.cache_participant(user.key, target)
    await svc.store.clear_conversation(user.key)
    return [
        Message(
            t("link.done", name=person.full_name),
            buttons=((Button(t("menu.quiz"), MENU_QUIZ),),),
        )
    ]
