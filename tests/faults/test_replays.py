"""The same 10,000 updates delivered twice, in shuffled order, score exactly as one delivery.

500 Telegram participants each send 20 updates through the aiogram Dispatcher: the 8 of
registration, /thi, ten answer taps and the prediction. Their updates are interleaved in a
random order that keeps each participant's own order. The replay run delivers every update a
second time (same update_id, as Telegram does after a lost acknowledgement): a third of the
copies right after the original, a third at the same moment, a third up to 300 updates later.
A clean run delivers the same interleaving once. Both use the real Redis (a prefix each) and
a SQLite copy of the template; the clock moves the same way in both, so the question draws
match. Every stored participant, attempt and answer must be identical between the two runs
(attempt codes aside, which are random by design), and every score what the script meant.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faults.replay import PARTICIPANTS, STEPS, plan, run, stored
from tests.faults.support import copy_of_template, sqlite_settings
from tests.support.servers import redis_prefix

pytestmark = pytest.mark.redis


async def test_ten_thousand_updates_delivered_twice_score_as_delivered_once(
    tmp_path: Path, template_db: Path
) -> None:
    async with redis_prefix() as (_, clean_prefix), redis_prefix() as (_, replay_prefix):
        # The template must exist before the second process copies it.
        await copy_of_template(template_db, sqlite_settings(tmp_path / "replayed.db"))
        clean = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.replay",
            str(tmp_path / "clean.db"),
            str(template_db),
            clean_prefix,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE,
        )
        replayed = await run(tmp_path / "replayed.db", template_db, replay_prefix, twice=True)
        out, _ = await clean.communicate()
        assert clean.returncode == 0, "the clean run failed (its output is above)"
        once = json.loads(out.decode().strip().splitlines()[-1])
    print(f"clean: {once}\nreplayed: {replayed}")

    for stats in (once, replayed):
        assert stats["first"] == PARTICIPANTS * STEPS == 10_000
        assert (stats["live"], stats["pending"]) == (0, 0)
    assert replayed["copies"] == 10_000
    # A copy delivered on its own made the bot send nothing at all.
    assert replayed["silent"] == replayed["right_after"] + replayed["later"]

    single, double = stored(tmp_path / "clean.db"), stored(tmp_path / "replayed.db")
    assert len(single) == PARTICIPANTS
    assert double == single
    people, _ = plan()
    for s in people:
        [(attempt, answers)] = single[f"+84{s.phone[1:]}"]["attempts"]
        correct, prediction = attempt[5], attempt[7]
        assert correct == sum(s.rights), s
        assert prediction == s.prediction
        assert len(answers) == 10
        assert all(a[2] is not None for a in answers)
