"""The dashboard's overview gives each unit and locality its headcount and participation
rate when the organisers' lists give headcounts, and marks names not in the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from tests.support.client import Person
from tests.units_round import TAKERS, TYPED_UNIT, contest_file, register
from tests.web.support import Browser, link_from_chat


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"contest_file": contest_file(tmp_path)})


async def test_units_and_localities_show_headcount_and_rate(
    app: App, organiser: Person, browser: Browser
) -> None:
    # Two of Sở Tài chính (headcount 10), one of Sở Y tế (4) and one who typed their unit.
    for t in (TAKERS[0], TAKERS[1], TAKERS[5], TAKERS[11]):
        person = await register(app, t)
        await person.take_attempt(correct=6)

    await browser.sign_in(await link_from_chat(organiser))
    text = browser.text

    assert (
        "Theo đơn vị Tên Người Lượt thi Theo danh sách Tỉ lệ tham gia Tỉ lệ "
        "Sở Tài chính 2 2 10 20% Sở Y tế 1 1 4 25%"
    ) in text
    assert f"{TYPED_UNIT} (ngoài danh sách) 1 1 — —" in text
    assert "Ủy ban nhân dân xã Gia Hưng 0 0 5 0%" in text  # nobody yet: still listed
    assert "Trạm Y tế xã Gia Hòa 0 0 — —" in text
    assert "Xã Gia Hòa, Huyện Gia Viễn 3 3 100 3%" in text
