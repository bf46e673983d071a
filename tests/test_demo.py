"""The demo: a whole simulated round through the real engine, the same every time for a seed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo import run_demo
from handlers.reports import RANKING_HEADERS

ROOT = Path(__file__).resolve().parents[1]
CONTEST_FILE = ROOT / "contest.yaml"


def test_demo_command_prints_winners_and_writes_the_workbook(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    out = tmp_path / "demo"
    env = {"CONTEST_FILE": str(CONTEST_FILE), "REDIS_URL": "", "COLUMNS": "200"}

    result = CliRunner().invoke(app, ["demo", "--participants", "12", "--out", str(out)], env=env)

    assert result.exit_code == 0, result.output
    said = result.output
    assert "Người đạt giải" in said
    assert "Giải Nhất" in said
    assert "12 người được xếp hạng" in said
    assert "chờ Ban Giám khảo phê duyệt: quizbot results 2023-Q1 --review" in " ".join(said.split())
    xlsx = out / "results-2023-Q1.xlsx"
    assert f"Tệp kết quả: {xlsx.resolve()}" in " ".join(said.split())
    # The progress bar tells the run; no log line per simulated update, and the level is back.
    assert [r for r in caplog.records if r.name == "bot.updates"] == []
    assert logging.getLogger("bot.updates").isEnabledFor(logging.INFO)
    rows = list(load_workbook(xlsx)["Xếp hạng"].iter_rows(values_only=True))
    assert list(rows[0]) == RANKING_HEADERS
    assert [r[0] for r in rows[1:]] == list(range(1, 13))


async def _ranking(out: Path, seed: int) -> list[tuple[str, int, int | None, int]]:
    report = await run_demo(
        participants=12, round_code="2023-Q1", out_dir=out, contest_file=CONTEST_FILE, seed=seed
    )
    people = report.results.people
    return [
        (people[r.participant_id].full_name, r.correct, r.prediction, r.duration_ms)
        for r in report.results.ranking
    ]


async def test_same_seed_gives_the_same_ranking(tmp_path: Path) -> None:
    first = await _ranking(tmp_path / "a", 7)
    again = await _ranking(tmp_path / "b", 7)
    other = await _ranking(tmp_path / "c", 8)

    assert first == again
    assert len(first) == 12
    assert other != first
