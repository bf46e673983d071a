"""How results show erased entries: a nameless line in its place, so every rank stays.

An anonymised entry (at its request, or when the retention time ran out) shows as
"(ẩn danh)" with no phone, locality or unit. A winner who withdrew consent shows so too in
every output, except the organisers' internal workbook and the certificates, which keep the
winner as stored at closing (the prize accounts need them).
"""

from __future__ import annotations

from collections.abc import Collection

from handlers.context import Services
from handlers.texts import plain
from storage.repos.erasure import ANONYMOUS
from storage.repos.participants import Entrant


def nameless(svc: Services, pid: int) -> Entrant:
    """The line an erased entry keeps in a ranking."""
    return Entrant(pid, plain(svc.texts("results.anonymous")), "", "", "")


async def public_view(
    svc: Services, people: dict[int, Entrant], winners: Collection[int]
) -> tuple[dict[int, Entrant], dict[int, Entrant]]:
    """The people as results show them, and the winners withheld from that view (as they
    were stored at closing) for the organisers' internal copy."""
    withdrawn = await svc.erasure.withdrawn(winners)
    erased = [pid for pid, p in people.items() if pid in withdrawn or p.full_name == ANONYMOUS]
    if not erased:
        return people, {}
    shown = dict(people)
    withheld = {}
    for pid in erased:
        if pid in withdrawn:
            withheld[pid] = people[pid]
        shown[pid] = nameless(svc, pid)
    return shown, withheld
