"""One bank per round: a round of contest.yaml may name its own bank; importing a file asks
which bank it is for; a round without one draws from the active bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from handlers.events import Upload
from handlers.rounds import reconcile
from tests.conftest import CONTEST_FILE, vn
from tests.support.client import Person
from tests.support.lists import contest_with
from tests.telegram.scripted import new_bank

ORGANISER = "telegram:9000"


def rounds_with_banks() -> list[dict[str, Any]]:
    rounds: list[dict[str, Any]] = yaml.safe_load(CONTEST_FILE.read_text("utf-8"))["rounds"]
    for r in rounds:
        r["opens"], r["closes"] = str(r["opens"]), str(r["closes"])
        if r["code"] in ("2023-Q2", "2023-Q3"):
            r["bank"] = "giua-nam"
    return rounds


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    contest = contest_with(tmp_path, rounds=rounds_with_banks())
    return settings.model_copy(update={"contest_file": contest})


@pytest.fixture
def organiser(app: App) -> Person:
    app.svc.admins = frozenset({ORGANISER})
    return Person.on(app, "telegram", "9000", "Ban Tổ chức")


async def _drawn_texts(app: App, person: Person) -> set[str]:
    live = await person.live()
    assert live is not None
    return {q.text for q in (await app.svc.pool.get_many(live.question_ids)).values()}


async def test_an_import_asks_which_bank_and_a_round_bank_leaves_the_active_one(
    app: App, organiser: Person, person: Person, clock: ManualClock
) -> None:
    active_before = await app.svc.questions.active()
    data = new_bank("Ngân hàng giữa năm")
    await organiser.event(Upload(organiser.user, "giua-nam.xlsx", data, size=len(data)))
    assert organiser.said.startswith(
        "Tệp giua-nam.xlsx hợp lệ: 12 câu hỏi. Tệp này dùng cho đợt thi nào?"
    )
    assert organiser.offered("📚 Riêng cho Quý 2, Quý 3")
    assert organiser.offered("📚 Ngân hàng chung (các đợt còn lại)")

    await organiser.tap("📚 Riêng cho Quý 2, Quý 3")

    assert organiser.said == (
        "Đã nạp 12 câu từ tệp giua-nam.xlsx làm ngân hàng câu hỏi riêng của Quý 2, Quý 3. "
        "Các lượt thi mới của đợt này dùng ngân hàng này; các đợt khác không đổi."
    )
    assert await app.svc.questions.active() == active_before

    await person.register()
    await person.send("/thi")  # Quý 1 has no bank of its own: the active one
    assert await _drawn_texts(app, person) <= {q.text for _, q in active_before}
    for _ in range(10):
        await person.answer(True)
    await person.send("100")

    clock.set(vn(2023, 4, 2, 8, 0))
    await reconcile(app.svc)
    await person.send("/thi")  # Quý 2 draws from its own bank only
    drawn = await _drawn_texts(app, person)
    assert len(drawn) == 10
    assert all(text.startswith("Ngân hàng giữa năm") for text in drawn)


async def test_a_round_whose_own_bank_is_not_imported_yet_says_the_bank_is_not_ready(
    app: App, person: Person, clock: ManualClock
) -> None:
    clock.set(vn(2023, 4, 2, 8, 0))
    await reconcile(app.svc)
    await person.register()

    await person.send("/thi")

    assert person.said == "Ngân hàng câu hỏi chưa sẵn sàng. Bạn vui lòng quay lại sau."
    assert await person.live() is None


async def test_choosing_the_shared_bank_replaces_the_active_one(
    app: App, organiser: Person
) -> None:
    data = new_bank("Ngân hàng chung mới")
    await organiser.event(Upload(organiser.user, "chung.xlsx", data, size=len(data)))
    await organiser.tap("📚 Ngân hàng chung (các đợt còn lại)")

    assert organiser.said.startswith("Đã thay ngân hàng câu hỏi: 12 câu từ tệp chung.xlsx.")
    active = await app.svc.questions.active()
    assert all(q.text.startswith("Ngân hàng chung mới") for _, q in active)
    assert await app.svc.questions.round_bank("giua-nam") == []
