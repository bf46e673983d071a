"""Linking a second account to a registered participant, as the participant does it."""

from __future__ import annotations

import re

from tests.support.client import Person


async def code_of(person: Person) -> str:
    """Ask for a linking code on a registered account and read it from the reply."""
    await person.send("/lienket")
    found = re.search(r"Mã liên kết của bạn: (\d{8})", person.said)
    assert found is not None, person.said
    return found[1]


async def link(registered: Person, other: Person, typed: str = "lienket {code}") -> None:
    """Get a code on `registered` and type it on `other`, which is then linked."""
    await other.send(typed.format(code=await code_of(registered)))
    assert "Đã liên kết tài khoản này" in other.said, other.said
