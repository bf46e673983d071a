"""A round opens and closes once, and a certificate's code is revoked once, even when two
callers (two coroutines, or two processes) do it at the same moment — on SQLite too, which
ignores SELECT … FOR UPDATE."""

from __future__ import annotations

import asyncio
from datetime import date

from storage.db import Database
from storage.repos.certificate_codes import CertificateCodes, Holder
from storage.repos.rounds import Rounds
from tests.storage.data import CLOSES, OPENS, ROUND, T0, person


async def test_a_round_opens_once_and_closes_once(db: Database) -> None:
    rounds = Rounds(db)
    await rounds.sync([(ROUND, "Quý 1", OPENS, CLOSES)])

    opened = await asyncio.gather(*(rounds.set_open(ROUND, T0) for _ in range(3)))
    closed = await asyncio.gather(*(rounds.set_closed(ROUND, T0, n) for n in (5, 6, 7)))

    assert sorted(opened) == [False, False, True]
    assert sorted(closed) == [False, False, True]


async def test_a_code_is_revoked_once(db: Database) -> None:
    await Rounds(db).sync([(ROUND, "Quý 1", OPENS, CLOSES)])
    pid = await person(db, "+84912345678")
    repo = CertificateCodes(db)
    holder = Holder(pid, "first", "Giải Nhất", "Nguyễn Văn An", "Hoa Lư", "Người dân")
    done = await repo.issue(
        ROUND,
        [holder],
        issued_on=date(2023, 3, 30),
        now=T0,
        new_code=lambda: "AAAA0001",
        replaced_reason=str,
    )
    code = done.codes[pid].code

    revoked = await asyncio.gather(
        *(repo.revoke(code, reason=f"lý do {i}", actor=f"cli:{i}", now=T0) for i in range(3))
    )

    assert len([r for r in revoked if r is not None]) == 1
