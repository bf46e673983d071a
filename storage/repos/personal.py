"""Everything stored about one entry, as the participant may ask to see it; their consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from storage.db import Database
from storage.models import (
    Account,
    Attempt,
    AttemptAnswer,
    Participant,
    ParticipantPhone,
    Winner,
)
from storage.repos.attempts import AnswerRow
from storage.repos.identity_steps import PhoneSpell


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """A submitted attempt with every answer as stored."""

    attempt: Attempt
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class PersonalRecord:
    """An entry, its accounts, every phone it held, its attempts with their answers (in the
    order they were submitted) and its prizes."""

    person: Participant
    accounts: list[Account]
    phones: list[PhoneSpell]
    attempts: list[AttemptRecord]
    prizes: list[Winner]


class PersonalData:
    """Reads of one entry's whole record, and its consent."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, participant_id: int) -> PersonalRecord | None:
        """The entry's whole record; None when there is no such entry."""
        async with self.db.session() as s:
            person = await s.get(Participant, participant_id)
            if person is None:
                return None
            accounts = await s.exec(
                select(Account)
                .where(Account.participant_id == participant_id)
                .order_by(col(Account.id))
            )
            phones = await s.exec(
                select(ParticipantPhone)
                .where(ParticipantPhone.participant_id == participant_id)
                .order_by(col(ParticipantPhone.id))
            )
            attempts = list(
                await s.exec(
                    select(Attempt)
                    .where(Attempt.participant_id == participant_id)
                    .order_by(col(Attempt.submitted_at), col(Attempt.id))
                )
            )
            answers: dict[int, list[AnswerRow]] = {}
            rows = await s.exec(
                select(AttemptAnswer)
                .where(col(AttemptAnswer.attempt_id).in_([a.id for a in attempts]))
                .order_by(col(AttemptAnswer.attempt_id), col(AttemptAnswer.position))
            )
            for a in rows:
                answers.setdefault(a.attempt_id, []).append(
                    AnswerRow(a.position, a.question_id, a.choice, a.answered_at)
                )
            prizes = await s.exec(
                select(Winner)
                .where(Winner.participant_id == participant_id)
                .order_by(col(Winner.created_at), col(Winner.id))
            )
            return PersonalRecord(
                person=person,
                accounts=list(accounts),
                phones=[PhoneSpell(r.phone, r.verified, r.since, r.until) for r in phones],
                attempts=[AttemptRecord(a, tuple(answers.get(a.id or 0, ()))) for a in attempts],
                prizes=list(prizes),
            )

    async def agree(self, participant_id: int, version: str, now: datetime) -> None:
        """Record that the entry agreed to this version of the consent text now."""
        async with self.db.session() as s:
            await s.exec(
                update(Participant)
                .where(col(Participant.id) == participant_id)
                .values(consent_version=version, consent_at=now)
            )
