"""Figures for the statistics sheets: pure functions of what the round's attempts hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

UPPER_LOWER_SHARE = 0.27
MIN_SEEN = 2


def group_size(n: int, share: float = UPPER_LOWER_SHARE) -> int:
    """How many attempts make the upper (and the lower) group out of `n`: 27%, rounded."""
    return int(n * share + 0.5)


def discrimination(
    attempts: Sequence[Sequence[tuple[int, bool]]],
    *,
    share: float = UPPER_LOWER_SHARE,
    min_seen: int = MIN_SEEN,
) -> dict[int, float | None]:
    """The discrimination index D of every question, by the upper–lower 27% method.

    `attempts` are the counted attempts (each participant's best), each given as its
    (question id, answered right) pairs. They are ordered by total right answers, most first;
    equal totals keep the order given (pass them in ranking order, so ties at a group's edge
    go by the ranking's tie-breaks). The first 27% (rounded) form the upper group, the last
    27% the lower group. For each question, p is the share of right answers among the
    attempts of a group that were asked it, and D = p_upper − p_lower, from −1 to 1: near 1
    the question separates strong from weak participants well, near 0 it does not, below 0
    the weak ones do better on it. D is None when fewer than `min_seen` attempts of either
    group were asked the question (too few to say anything, e.g. with a handful of
    participants or a large bank).
    """
    ordered = sorted(attempts, key=lambda answers: -sum(right for _, right in answers))
    k = group_size(len(ordered), share)
    upper = _tally(ordered[:k])
    lower = _tally(ordered[len(ordered) - k :] if k else [])
    asked = {q for answers in ordered for q, _ in answers}
    return discrimination_of_groups(upper, lower, asked, min_seen=min_seen)


def discrimination_of_groups(
    upper: Mapping[int, tuple[int, int]],
    lower: Mapping[int, tuple[int, int]],
    questions: Iterable[int],
    *,
    min_seen: int = MIN_SEEN,
) -> dict[int, float | None]:
    """The index D of each question from (times asked, times right) in the upper group and in
    the lower group (see `discrimination`); None where either group saw it too seldom."""
    out: dict[int, float | None] = {}
    for qid in questions:
        seen_u, right_u = upper.get(qid, (0, 0))
        seen_l, right_l = lower.get(qid, (0, 0))
        if seen_u < min_seen or seen_l < min_seen:
            out[qid] = None
        else:
            out[qid] = right_u / seen_u - right_l / seen_l
    return out


def _tally(group: Iterable[Sequence[tuple[int, bool]]]) -> dict[int, tuple[int, int]]:
    """(times asked, times right) per question within a group of attempts."""
    out: dict[int, tuple[int, int]] = {}
    for answers in group:
        for qid, right in answers:
            seen, ok = out.get(qid, (0, 0))
            out[qid] = (seen + 1, ok + int(right))
    return out


def day_span(first: date, last: date, extra: Iterable[date] = ()) -> list[date]:
    """Every day from `first` to `last`, widened to take in the `extra` days."""
    days = list(extra)
    start = min([first, *days])
    end = max([last, *days])
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def clip(text: str, limit: int = 200) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
