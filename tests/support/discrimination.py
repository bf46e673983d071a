"""The discrimination index worked out the plain way, from every answer of every counted
attempt: the oracle the workbook's figures (tallied by the database) are compared against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from handlers.reports.stats import (
    MIN_SEEN,
    UPPER_LOWER_SHARE,
    discrimination_of_groups,
    group_size,
)


def discrimination(
    attempts: Sequence[Sequence[tuple[int, bool]]],
    *,
    share: float = UPPER_LOWER_SHARE,
    min_seen: int = MIN_SEEN,
) -> dict[int, float | None]:
    """D of every question asked, from the attempts as (question id, answered right) pairs.

    They are ordered by total right answers, most first; equal totals keep the order given
    (pass them in ranking order, so ties at a group's edge go by the ranking's tie-breaks).
    """
    ordered = sorted(attempts, key=lambda answers: -sum(right for _, right in answers))
    k = group_size(len(ordered), share)
    upper = _tally(ordered[:k])
    lower = _tally(ordered[len(ordered) - k :] if k else [])
    asked = {q for answers in ordered for q, _ in answers}
    return discrimination_of_groups(upper, lower, asked, min_seen=min_seen)


def _tally(group: Iterable[Sequence[tuple[int, bool]]]) -> dict[int, tuple[int, int]]:
    """(times asked, times right) per question within a group of attempts."""
    out: dict[int, tuple[int, int]] = {}
    for answers in group:
        for qid, right in answers:
            seen, ok = out.get(qid, (0, 0))
            out[qid] = (seen + 1, ok + int(right))
    return out
