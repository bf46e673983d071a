"""An update at the door: de-duplication and flood control, decided once per update."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from storage.keys import UPDATE_TTL, UPDATES_KEPT


class Verdict(StrEnum):
    """Whether an update is let in."""

    ADMITTED = "in"
    REPEATED = "repeat"  # delivered before: handled then, ignored now
    FLOODED = "flood"  # its sender is past the flood limit


@dataclass(slots=True)
class Admission:
    """An update at the door: its id, its sender's recent updates and flood counter.

    Decided once, by the first store call made for the update: `admit`, or `admit_and_tap`
    for an answer tap, which decides it in the same round trip as recording the answer.
    `verdict` stays None until then.
    """

    channel: str
    update_id: str
    user_key: str
    flood_limit: int
    flood_window: int
    verdict: Verdict | None = None
    count: int = 0  # the sender's updates in the current window, this one included

    @property
    def refused(self) -> bool:
        """Decided, and not let in."""
        return self.verdict is not None and self.verdict is not Verdict.ADMITTED

    @property
    def first_over(self) -> bool:
        """The first update past the flood limit in this window (the one told to slow down)."""
        return self.verdict is Verdict.FLOODED and self.count == self.flood_limit + 1


def admission_args(admission: Admission) -> list[int | str]:
    """The ARGV the admission script takes for an update (see storage/scripts.py)."""
    return [
        admission.update_id,
        int(UPDATE_TTL.total_seconds()),
        admission.flood_window,
        admission.flood_limit,
        UPDATES_KEPT,
    ]


def decide(admission: Admission, reply: list[Any]) -> None:
    """Record the admission script's verdict and the sender's count."""
    admission.verdict = Verdict(reply[0])
    admission.count = int(reply[1]) if len(reply) > 1 else 0
