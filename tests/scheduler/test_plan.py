"""The contest's calendar: jobs at the exact instants the plan gives, in local time."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.scheduler import plan
from handlers.contest import ContestConfig, load_contest
from tests.conftest import CONTEST_FILE, VN, vn


@pytest.fixture(scope="module")
def contest() -> ContestConfig:
    return load_contest(CONTEST_FILE)


@pytest.mark.parametrize(
    ("job_id", "local"),
    [
        ("open:2023-Q1", vn(2023, 2, 15, 0, 0)),
        ("remind:2023-Q1:3", vn(2023, 3, 27, 23, 59, 59)),
        ("remind:2023-Q1:1", vn(2023, 3, 29, 23, 59, 59)),
        ("close:2023-Q1", vn(2023, 3, 31, 0, 0)),
        ("open:2023-Q2", vn(2023, 4, 1, 0, 0)),
        ("close:2023-Q2", vn(2023, 7, 1, 0, 0)),
        ("open:2023-Q3", vn(2023, 7, 1, 0, 0)),
        ("close:2023-Q3", vn(2023, 10, 1, 0, 0)),
        ("open:2023-Q4", vn(2023, 10, 1, 0, 0)),
        ("close:2023-Q4", vn(2023, 12, 1, 0, 0)),
        # contest.yaml's data_retention_days (180) after the last round closes
        ("purge:cds-ninhbinh-2023", vn(2024, 5, 28, 23, 59, 59)),
    ],
)
def test_each_job_runs_at_the_planned_local_instant(
    contest: ContestConfig, job_id: str, local: datetime
) -> None:
    jobs = {j.id: j for j in plan(contest, reminders=[3, 1])}
    assert jobs[job_id].at == local
    assert jobs[job_id].at.astimezone(VN) == local


def test_the_calendar_has_open_two_reminders_and_close_per_round_then_the_purge(
    contest: ContestConfig,
) -> None:
    jobs = plan(contest, reminders=[1, 3])
    assert len(jobs) == 4 * 4 + 1
    assert [j.at for j in jobs] == sorted(j.at for j in jobs)
    assert {j.kind for j in jobs if j.round_code == "2023-Q1"} == {"open", "remind", "close"}
    assert jobs[-1].kind == "purge"


def test_a_reminder_before_the_round_opens_is_left_out(contest: ContestConfig) -> None:
    jobs = plan(contest, reminders=[60])
    assert not [j for j in jobs if j.kind == "remind" and j.round_code == "2023-Q1"]
    reminders = [j.id for j in jobs if j.kind == "remind"]
    assert reminders == ["remind:2023-Q2:60", "remind:2023-Q3:60", "remind:2023-Q4:60"]
