"""The performance bench still runs: every scenario at a tiny size, through its command line.

Speed itself is the bench's business, never a test's; this only keeps the harness from rotting.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from tests.support.servers import POSTGRES_URL, REDIS_URL

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_every_scenario_runs_at_a_tiny_size_and_writes_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    code = main(
        [
            "--participants=20",
            "--rates=400,100",
            "--round-people=20",
            "--round-attempts=200",
            "--recipients=50",
            f"--redis-url={REDIS_URL}",
            f"--postgres-url={POSTGRES_URL}",
            f"--out={out}",
        ]
    )
    assert code == 0
    results = json.loads(out.read_text(encoding="utf-8"))

    answers = results["answers"]
    assert answers["burst"]["answers"] == 20 * 10
    assert [p["answers"] for p in answers["paced"].values()] == [20 * 10, 20 * 10]
    assert answers["submit"]["submissions"] == 20
    assert answers["redis"]["attempt_hashes"] == 20
    assert answers["bot_api_calls"]["answerCallbackQuery"] == 3 * 20 * 10

    assert [c["database"] for c in results["closing"]] == ["sqlite", "postgres"]
    for closing in results["closing"]:
        assert closing["answers"] == 200 * 10
        assert closing["ranked"] == 20
        assert closing["winners"] == 10
        assert closing["total_s"] > 0

    assert [b["limit_per_s"] for b in results["broadcast"]] == [25, 30]
    assert all(b["recipients"] == 50 for b in results["broadcast"])

    printed = capsys.readouterr().out
    assert "Answer path" in printed
    assert "Closing a round on postgres" in printed
    assert "Broadcast" in printed


def test_the_peak_evening_runs_the_real_bot_process_at_a_tiny_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "peak.json"
    code = main(
        [
            "peak",
            "--peak-rates=1",
            "--peak-seconds=2",
            "--peak-broadcast=5",
            "--peak-think=0.05,0.1",
            f"--redis-url={REDIS_URL}",
            f"--out={out}",
        ]
    )
    assert code == 0
    peak = json.loads(out.read_text(encoding="utf-8"))["peak"]
    for run in (peak["plain"]["1.0"], peak["broadcast"]["1.0"]):
        assert (run["attempts"], run["finished"], run["answers"]) == (2, 2, 2 * 11)
        assert run["replies_lost"] == 0
    assert peak["broadcast"]["1.0"]["broadcast_recipients"] == 5
    assert "Peak evening with a broadcast running" in capsys.readouterr().out
