"""Before the first round opens, /thi names it and its opening time."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import ManualClock
from tests.conftest import vn
from tests.support.client import Person


@pytest.fixture
def clock() -> ManualClock:
    """Early February 2023: round 2023-Q1 has not opened yet."""
    return ManualClock(vn(2023, 2, 1, 9, 0))


async def test_before_the_first_round_its_name_and_opening_are_given(
    app: App, person: Person
) -> None:
    await person.register()
    await person.send("/thi")
    said = person.said
    assert "Hiện chưa có đợt thi nào đang mở" in said
    assert "Quý 1" in said
    assert "00:00 ngày 15/02/2023" in said
    assert await person.live() is None
