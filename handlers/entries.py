"""Who an entry is, as registration, closing and results need it.

- An entry's identity (name, phone, year of birth) is frozen once it has an attempt, stored or
  live: after that only an organiser changes it (handlers.identity).
- An account may give only a few different phones a day, so nobody can try the phones a
  masked number stands for.
- Exclusion belongs to the person: an entry that ever held a listed phone never wins.
- Winners keep the identity they had when the round closed.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.context import Services
from handlers.events import User
from handlers.ranking import Award
from storage.models import Participant, Winner
from storage.repos import ParticipantDetails
from storage.repos.participants import Entrant
from storage.repos.winners import Prize

# Different phones one account may give at registration in a local day.
PHONES_PER_DAY = 3

# Why a ranked entry cannot win (RoundResults.ineligible).
EXCLUDED = "excluded"
ON_HOLD = "on_hold"
# Set aside by the jury in this round (handlers.jury.actions).
SET_ASIDE = "set_aside"


def local_day(svc: Services) -> str:
    """Today in the contest's time zone, as the per-day counters name it."""
    return svc.clock.now().astimezone(svc.contest.tz).date().isoformat()


async def frozen(svc: Services, participant_id: int) -> bool:
    """Whether the entry's identity is frozen: it has an attempt, stored or in progress."""
    if await svc.store.attempt(participant_id) is not None:
        return True
    return await svc.identities.has_attempts(participant_id)


def same_identity(person: Participant, details: ParticipantDetails) -> bool:
    """Whether the details keep the entry's name, phone and year of birth."""
    return (person.full_name, person.phone, person.birth_year) == (
        details.full_name,
        details.phone,
        details.birth_year,
    )


async def may_try_phone(svc: Services, user: User, phone: str) -> bool:
    """Count a phone this account gives; False once it gave PHONES_PER_DAY others today."""
    return await svc.identity_store.try_phone(user.key, local_day(svc), phone, PHONES_PER_DAY)


async def verified_by_another(svc: Services, user: User, phone: str) -> bool:
    """Whether another entry holds this phone verified (only for a phone the user verified:
    that the phone is theirs is proven, so saying so tells nobody anything)."""
    holder = await svc.participants.by_phone(phone)
    if holder is None or not holder.phone_verified:
        return False
    mine = await svc.participants.by_account(user.channel, user.id)
    return mine is None or mine.id != holder.id


async def register(
    svc: Services,
    user: User,
    details: ParticipantDetails,
    *,
    verified: bool,
    source: str,
    consent_version: str = "",
) -> Participant:
    """Save the account's own entry (raises PhoneVerifiedElsewhereError, see Participants);
    a new one with the version of the consent text it agreed to."""
    person = await svc.participants.register(
        details,
        channel=user.channel,
        channel_user_id=user.id,
        display_name=user.name,
        source=source,
        now=svc.clock.now(),
        verified=verified,
        excluded_phones=svc.contest.excluded_phones,
        consent_version=consent_version,
    )
    assert person.id is not None
    await svc.store.cache_participant(user.key, person.id)
    return person


async def ineligible(svc: Services) -> dict[int, str]:
    """Entries that cannot win now, and why: excluded for good, or on hold."""
    return await svc.identities.ineligible(svc.contest.excluded_phones)


async def exclude_listed(svc: Services) -> None:
    """At closing: exclude for good every entry that ever held a phone the contest lists."""
    await svc.identities.exclude_listed(svc.contest.excluded_phones, svc.clock.now())


async def prizes(svc: Services, awards: Sequence[Award]) -> list[Prize]:
    """The awards with each winner's identity as it is now (the snapshot stored with them)."""
    people = await svc.participants.by_ids([a.participant_id for a in awards])
    out = []
    for a in awards:
        p = people[a.participant_id]
        out.append(
            Prize(
                a.participant_id,
                a.tier,
                a.rank,
                a.attempt_id,
                p.full_name,
                p.phone,
                p.birth_year,
                p.locality,
                p.unit,
            )
        )
    return out


def as_stored(people: dict[int, Entrant], winners: Sequence[Winner]) -> dict[int, Entrant]:
    """The people of a closed round, each winner as the snapshot taken at closing shows them."""
    out = dict(people)
    for w in winners:
        out[w.participant_id] = Entrant(w.participant_id, w.full_name, w.phone, w.locality, w.unit)
    return out
