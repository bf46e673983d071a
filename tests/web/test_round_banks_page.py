"""The dashboard's bank page when rounds have banks of their own: a checked file is offered to
each round bank and to the shared bank, and goes where the organiser chooses."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from tests.engine.test_round_banks import rounds_with_banks
from tests.support.client import Person
from tests.support.lists import contest_with
from tests.web.bank_files import bank_csv
from tests.web.support import Browser, link_from_chat
from tests.web.test_bank_page import upload


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    contest = contest_with(tmp_path, rounds=rounds_with_banks())
    return settings.model_copy(update={"contest_file": contest})


async def test_a_checked_file_becomes_the_bank_of_the_rounds_chosen(
    app: App, organiser: Person, browser: Browser
) -> None:
    active = await app.svc.questions.active()
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    await browser.post("/quan-tri/cau-hoi/tai-len", upload(browser, "giua-nam.csv", bank_csv(12)))
    assert "Dùng riêng cho Quý 2, Quý 3" in browser.text
    assert "Dùng làm ngân hàng chung (các đợt còn lại)" in browser.text

    await browser.post("/quan-tri/cau-hoi/thay", {"for": "giua-nam"})

    assert (
        "Đã nhập 12 câu từ tệp giua-nam.csv làm ngân hàng câu hỏi riêng của Quý 2, Quý 3. "
        "Các đợt khác không đổi."
    ) in browser.text
    assert len(await app.svc.questions.round_bank("giua-nam")) == 12
    assert await app.svc.questions.active() == active
