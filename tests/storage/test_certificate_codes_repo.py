"""Certificate codes on both databases: one live code per winner and round, even when two
processes make the certificates at the same moment."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

from storage.db import Database
from storage.repos.certificate_codes import CertificateCodes, Holder
from storage.repos.rounds import Rounds
from tests.storage.data import CLOSES, OPENS, ROUND, T0, person


def holder(pid: int, name: str = "Nguyễn Văn An") -> Holder:
    return Holder(pid, "first", "Giải Nhất", name, "Hoa Lư", "Người dân")


def drawing(*codes: str) -> Callable[[], str]:
    """New codes in the order given (to force a collision)."""
    it = iter(codes)
    return lambda: next(it)


async def test_two_makers_at_once_get_the_same_code(db: Database) -> None:
    await Rounds(db).sync([(ROUND, "Quý 1", OPENS, CLOSES)])
    pid = await person(db, "+84912345678")
    repo = CertificateCodes(db)
    counter = iter(range(1000))

    async def make() -> str:
        done = await repo.issue(
            ROUND,
            [holder(pid)],
            issued_on=date(2023, 3, 30),
            now=T0,
            new_code=lambda: f"AAAA{next(counter):04d}",
            replaced_reason=str,
        )
        return done.codes[pid].code

    made = await asyncio.gather(*(make() for _ in range(4)))

    assert len(set(made)) == 1
    found = await repo.find(made[0])
    assert found is not None
    assert found[0].revoked_at is None


async def test_a_code_already_taken_is_drawn_again(db: Database) -> None:
    await Rounds(db).sync([(ROUND, "Quý 1", OPENS, CLOSES)])
    first, second = await person(db, "+84912345678"), await person(db, "+84987654321")
    repo = CertificateCodes(db)
    await repo.issue(
        ROUND,
        [holder(first)],
        issued_on=date(2023, 3, 30),
        now=T0,
        new_code=drawing("K7P39QXM"),
        replaced_reason=str,
    )

    done = await repo.issue(
        ROUND,
        [holder(first), holder(second, "Trần Thị Bình")],
        issued_on=date(2023, 3, 30),
        now=T0,
        new_code=drawing("K7P39QXM", "WQ4T88ZA"),
        replaced_reason=str,
    )

    assert {p: c.code for p, c in done.codes.items()} == {first: "K7P39QXM", second: "WQ4T88ZA"}
    assert done.new == 1
