"""The question bank in SQL: the active bank and every question ever asked."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, update
from sqlmodel import col, select

from questions.model import Question
from storage.db import Database
from storage.models import Attempt, AttemptAnswer, QuestionImage, QuestionRow

_CONTENT_TYPES = {b"\x89PNG": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}


def round_bank_key(bank: str) -> str:
    """How a round's own bank is named among the stored banks (never an active bank's name)."""
    return f"dot:{bank}"


def image_key(data: bytes) -> tuple[str, str]:
    """(key, content type) of a picture: its digest and its kind ("3f…9a.png")."""
    ext, content_type = next(
        (v for magic, v in _CONTENT_TYPES.items() if data.startswith(magic)), ("bin", "")
    )
    return f"{hashlib.sha256(data).hexdigest()[:40]}.{ext}", content_type


def _to_question(row: QuestionRow) -> Question:
    return Question(
        text=row.text,
        options=tuple(row.options),
        correct=row.correct,
        source=row.source,
        topic=row.topic,
        explanation=row.explanation,
        image=row.image,
    )


class Questions:
    """Reads and writes of questions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def replace_active(
        self,
        bank: str,
        items: list[Question],
        now: datetime,
        images: dict[str, bytes] | None = None,
    ) -> int:
        """Make `items` the active bank in one transaction; older rows stay for past attempts.

        `images` holds the pictures the questions name (by that name); each is stored once,
        and a question keeps its key.
        """
        async with self.db.session() as s:
            keys = await self._store_images(s, images or {}, now)
            await s.exec(update(QuestionRow).values(active=False))
            s.add_all(_rows(bank, items, keys, active=True, now=now))
        return len(items)

    async def active(self) -> list[tuple[int, Question]]:
        """The active bank, in its order."""
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow)
                .where(col(QuestionRow.active))
                .order_by(col(QuestionRow.position))
            )
            return [(r.id, _to_question(r)) for r in await s.exec(stmt) if r.id is not None]

    async def active_bank(self) -> tuple[str, int, int] | None:
        """(bank name, question count, highest id) of the active bank, or None when empty."""
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow.bank, func.count(), func.max(QuestionRow.id))
                .where(col(QuestionRow.active))
                .group_by(col(QuestionRow.bank))
            )
            row = (await s.exec(stmt)).first()
            return None if row is None else (row[0], int(row[1]), int(row[2] or 0))

    async def by_ids(self, ids: list[int]) -> dict[int, Question]:
        """Questions by id, active or not."""
        async with self.db.session() as s:
            rows = await s.exec(select(QuestionRow).where(col(QuestionRow.id).in_(ids)))
            return {r.id: _to_question(r) for r in rows if r.id is not None}

    async def asked_in(self, round_codes: list[str]) -> list[tuple[int, Question]]:
        """The questions drawn in at least one submitted attempt of these rounds, by id.

        Asked question by question (an index lookup each), not by reading every answer of
        rounds that may hold millions.
        """
        if not round_codes:
            return []
        asked = (
            select(AttemptAnswer.attempt_id)
            .join(Attempt, col(Attempt.id) == col(AttemptAnswer.attempt_id))
            .where(col(AttemptAnswer.question_id) == col(QuestionRow.id))
            .where(col(Attempt.round_code).in_(round_codes))
        )
        async with self.db.session() as s:
            stmt = select(QuestionRow).where(exists(asked)).order_by(col(QuestionRow.id))
            return [(r.id, _to_question(r)) for r in await s.exec(stmt) if r.id is not None]

    async def kept_aside(
        self,
        bank: str,
        items: list[Question],
        now: datetime,
        images: dict[str, bytes] | None = None,
    ) -> list[tuple[int, Question]]:
        """The ids of `items` stored as the inactive bank `bank` (stored now if they are not):
        questions asked outside the contest (practice) keep ids like every other question.

        `bank` names the content (a digest of it), so rows found under it are these questions;
        two processes storing it at once leave two copies, and the first of each is used. The
        questions come back as stored (a picture named by its stored key).
        """
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow)
                .where(col(QuestionRow.bank) == bank)
                .order_by(col(QuestionRow.id))
            )
            found: dict[int, QuestionRow] = {}
            for row in await s.exec(stmt):
                found.setdefault(row.position, row)
            if len(found) == len(items):
                ordered = [found[p] for p in range(1, len(items) + 1)]
                return [(r.id, _to_question(r)) for r in ordered if r.id is not None]
            keys = await self._store_images(s, images or {}, now)
            rows = _rows(bank, items, keys, active=False, now=now)
            s.add_all(rows)
            await s.flush()
            return [(r.id, _to_question(r)) for r in rows if r.id is not None]

    async def _store_images(
        self, s: Any, images: dict[str, bytes], now: datetime
    ) -> dict[str, str]:
        """Store the pictures not stored yet; their keys by the names the bank gives."""
        keys: dict[str, str] = {}
        for name, data in images.items():
            key, content_type = image_key(data)
            keys[name] = key
            if await s.get(QuestionImage, key) is None:
                s.add(QuestionImage(key=key, content_type=content_type, data=data, created_at=now))
        await s.flush()
        return keys

    async def image(self, key: str) -> tuple[str, bytes] | None:
        """(content type, bytes) of a stored picture, or None."""
        async with self.db.session() as s:
            found = await s.get(QuestionImage, key)
            return None if found is None else (found.content_type, found.data)

    async def replace_round_bank(
        self,
        bank: str,
        items: list[Question],
        now: datetime,
        images: dict[str, bytes] | None = None,
    ) -> int:
        """Make `items` the bank named `bank` that rounds of contest.yaml draw from instead of
        the active bank; the active bank, and earlier rows, are left as they are."""
        async with self.db.session() as s:
            keys = await self._store_images(s, images or {}, now)
            s.add_all(_rows(round_bank_key(bank), items, keys, active=False, now=now))
        return len(items)

    async def round_bank_signature(self, bank: str) -> tuple[int, int] | None:
        """(question count, highest id) of the latest import of a round's bank, or None."""
        key = round_bank_key(bank)
        async with self.db.session() as s:
            stmt = select(func.count(), func.max(QuestionRow.id)).where(
                col(QuestionRow.bank) == key, col(QuestionRow.imported_at) == _latest(key)
            )
            count, highest = (await s.exec(stmt)).one()
            return (int(count), int(highest or 0)) if count else None

    async def round_bank(self, bank: str) -> list[tuple[int, Question]]:
        """The latest import of a round's bank, in its order."""
        key = round_bank_key(bank)
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow)
                .where(col(QuestionRow.bank) == key, col(QuestionRow.imported_at) == _latest(key))
                .order_by(col(QuestionRow.position))
            )
            return [(r.id, _to_question(r)) for r in await s.exec(stmt) if r.id is not None]


def _latest(key: str) -> Any:
    """The instant of the latest import of a stored bank (a scalar subquery)."""
    return (
        select(func.max(QuestionRow.imported_at))
        .where(col(QuestionRow.bank) == key)
        .scalar_subquery()
    )


def _rows(
    bank: str, items: list[Question], keys: dict[str, str], *, active: bool, now: datetime
) -> list[QuestionRow]:
    """The rows of an imported bank, in its order (`keys`: each picture's stored key)."""
    return [
        QuestionRow(
            bank=bank,
            position=position,
            text=q.text,
            options=list(q.options),
            correct=q.correct,
            source=q.source,
            topic=q.topic,
            explanation=q.explanation,
            image=keys.get(q.image, "") if q.image else "",
            active=active,
            imported_at=now,
        )
        for position, q in enumerate(items, start=1)
    ]
