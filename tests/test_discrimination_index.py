"""The discrimination index of a question: upper 27% against lower 27% of the counted attempts."""

from __future__ import annotations

import pytest

from handlers.reports.stats import group_size
from tests.support.discrimination import discrimination


def _attempt(total: int, **asked: bool) -> list[tuple[int, bool]]:
    """An attempt of ten questions with `total` right: the named ones (q1, q2…) as given,
    the rest fillers (ids from 1000) that make up the total."""
    given = [(int(name[1:]), right) for name, right in asked.items()]
    fillers_right = total - sum(right for _, right in given)
    fillers = [(1000 + i, i < fillers_right) for i in range(10 - len(given))]
    return given + fillers


def test_groups_are_27_percent_rounded() -> None:
    sizes = {0: 0, 1: 0, 2: 1, 3: 1, 4: 1, 8: 2, 10: 3, 100: 27, 200: 54}

    assert {n: group_size(n) for n in sizes} == sizes


def test_index_is_upper_share_minus_lower_share_among_those_asked() -> None:
    attempts = [
        # upper three (of ten): q1 right twice, wrong once; q2 asked of two, both right
        _attempt(10, q1=True, q2=True),
        _attempt(9, q1=True, q2=True),
        _attempt(9, q1=False),
        # the middle: whatever they did with q1 does not count
        _attempt(7, q1=False),
        _attempt(6, q1=False),
        _attempt(5, q1=False),
        _attempt(5, q1=False),
        # lower three: q1 right once of three; q2 asked of two, wrong both times
        _attempt(3, q1=True, q2=False),
        _attempt(2, q1=False, q2=False),
        _attempt(1, q1=False),
    ]

    index = discrimination(list(reversed(attempts)))  # the order given does not matter

    assert index[1] == pytest.approx(2 / 3 - 1 / 3)
    assert index[2] == pytest.approx(1.0)


def test_index_is_left_empty_when_a_group_saw_the_question_less_than_twice() -> None:
    attempts = [
        _attempt(10, q1=True, q2=True),
        _attempt(9, q1=True),
        _attempt(8, q1=True),
        _attempt(6),
        _attempt(5),
        _attempt(4),
        _attempt(4),
        _attempt(3, q1=False, q2=False),
        _attempt(2, q1=False, q2=False),
        _attempt(1, q1=False),
    ]

    index = discrimination(attempts)

    assert index[1] == pytest.approx(1.0)
    assert index[2] is None  # only one of the upper three was asked q2
    assert discrimination([_attempt(5, q1=True)]) == {1: None} | {1000 + i: None for i in range(9)}
