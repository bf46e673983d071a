"""Figures for the statistics sheets: pure functions of what the round's attempts hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

UPPER_LOWER_SHARE = 0.27
MIN_SEEN = 2


def group_size(n: int, share: float = UPPER_LOWER_SHARE) -> int:
    """How many attempts make the upper (and the lower) group out of `n`: 27%, rounded."""
    return int(n * share + 0.5)


def discrimination_of_groups(
    upper: Mapping[int, tuple[int, int]],
    lower: Mapping[int, tuple[int, int]],
    questions: Iterable[int],
    *,
    min_seen: int = MIN_SEEN,
) -> dict[int, float | None]:
    """The discrimination index D of each question, by the upper–lower 27% method.

    The counted attempts (each participant's best), in ranking order, so ordered by right
    answers, most first, ties by the ranking's tie-breaks: the first 27% (`group_size`) form
    the upper group, the last 27% the lower group; `upper` and `lower` hold (times asked,
    times right) per question within each. For each question, p is the share of right
    answers among the attempts of a group that were asked it, and D = p_upper − p_lower,
    from −1 to 1: near 1 the question separates strong from weak participants well, near 0
    it does not, below 0 the weak ones do better on it. D is None when fewer than
    `min_seen` attempts of either group were asked the question (too few to say anything,
    e.g. with a handful of participants or a large bank).
    """
    out: dict[int, float | None] = {}
    for qid in questions:
        seen_u, right_u = upper.get(qid, (0, 0))
        seen_l, right_l = lower.get(qid, (0, 0))
        if seen_u < min_seen or seen_l < min_seen:
            out[qid] = None
        else:
            out[qid] = right_u / seen_u - right_l / seen_l
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
