"""Whatever a participant types, or a question bank holds, the results workbook keeps as text.

A unit typed as `=WEBSERVICE(…)` used to land as a live formula in "Thống kê" and "Giải
thưởng": opened in Excel, it sent the phone column to whoever typed it. Every cell of the
public and the internal workbook is read back, by openpyxl and in the raw XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlmodel import col, update

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from handlers.contest import load_contest
from handlers.reports import results_workbook
from handlers.reports.detail_csv import write_detail
from handlers.rounds import close_round
from questions.formats.formulas import csv_unescape
from questions.model import Question
from storage.models import Participant
from tests.conftest import CONTEST_FILE, vn
from tests.support.client import Person
from tests.support.spreadsheets import (
    HOSTILE,
    WEBSERVICE,
    detail_csv,
    formula_cells,
    texts,
    unquoted_formula_texts,
)

LOCALITIES = HOSTILE[1:5]
UNITS = [WEBSERVICE, *HOSTILE[2:]]
NAMES = HOSTILE[:5]


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The contest with localities an organiser copied from somewhere without looking."""
    data = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    data["localities"] = [*LOCALITIES, *load_contest(CONTEST_FILE).localities]
    data["question_bank"] = str(CONTEST_FILE.parent / data["question_bank"])
    path = tmp_path / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return settings.model_copy(update={"contest_file": path})


def _hostile_bank() -> list[Question]:
    return [
        Question(
            text=f"{HOSTILE[i % len(HOSTILE)]} — câu {i + 1}?",
            options=("=1+1", "+2", "-3", f"@{i}"),
            correct=i % 4,
            source='=HYPERLINK("http://x.example")',
            topic="-chủ đề",
        )
        for i in range(10)
    ]


async def _round_of_hostile_people(app: App, clock: ManualClock) -> None:
    await app.svc.questions.replace_active("hostile", _hostile_bank(), clock.now())
    for i, unit in enumerate(UNITS):
        person = Person.on(app, "telegram", str(500 + i), f"P{i}")
        await person.register(
            name="Nguyễn Văn Thử",
            phone=f"09120000{i:02d}",
            locality=LOCALITIES[i % len(LOCALITIES)],
            unit=unit,
        )
        await person.take_attempt(correct=9 - i, prediction=10)
        if i < len(NAMES):
            # Registration refuses such a name, but the workbook must not rely on it (an
            # organiser's correction or an older entry can hold anything).
            async with app.svc.db.session() as s:
                await s.exec(
                    update(Participant)
                    .where(col(Participant.id) == await person.participant_id())
                    .values(full_name=NAMES[i])
                )
        clock.advance(minutes=5)


@pytest.mark.parametrize("full_phones", [False, True], ids=["public", "internal"])
async def test_every_text_typed_like_a_formula_stays_text_in_every_sheet_and_the_detail(
    app: App, clock: ManualClock, full_phones: bool, tmp_path: Path
) -> None:
    await _round_of_hostile_people(app, clock)
    clock.set(vn(2023, 3, 31, 0, 0))
    results = await close_round(app.svc, "2023-Q1", actor="test")

    xlsx = await results_workbook(app.svc, results, full_phones=full_phones)
    await write_detail(app.svc, results, tmp_path / "detail.csv.gz", full_phones=full_phones)

    assert formula_cells(xlsx) == []
    assert unquoted_formula_texts(xlsx) == []
    # The hostile texts are there, as the text they were typed as.
    stats = texts(xlsx, "Thống kê")
    assert set(UNITS) <= stats
    assert set(LOCALITIES) <= stats
    assert any(t.startswith(WEBSERVICE) for t in stats)  # a question's text
    prizes = texts(xlsx, "Giải thưởng")
    assert {WEBSERVICE, *NAMES} <= prizes
    assert set(NAMES) <= texts(xlsx, "Xếp hạng")
    # In the detail file each such name gets the "'" that keeps a spreadsheet from
    # evaluating it, and reads back as typed.
    names = {r["Họ và tên"] for r in detail_csv(tmp_path / "detail.csv.gz")}
    assert all(n.startswith("'") for n in names if n != "Nguyễn Văn Thử")
    assert set(NAMES) <= {csv_unescape(n) for n in names}
