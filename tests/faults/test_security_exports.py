"""Exports mask phones, except the organisers' internal results workbook.

Every part of the XLSX (each sheet's cells, shared strings, properties: the whole archive) and
every certificate PDF is scanned for each participant's phone in every form. The public
workbook and the CLI's `results --xlsx` (and its printed table) must hold none, and show no
more than a phone's last three digits (seven shown left 1,000 fillings to try); the internal
workbook (`full_phones`, `--full-phones`) holds each phone in full, since that is its purpose.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader

from bot.app import App
from bot.clock import ManualClock
from handlers.certificates import certificates
from handlers.reports import results_workbook
from handlers.rounds import close_round, round_results
from tests.conftest import CONTEST_FILE
from tests.faults.phones import phones_in
from tests.support.client import Person

QUIZBOT = Path(sys.executable).with_name("quizbot")
PHONES = ["0912837465", "0978563412", "0935261748", "0986172534"]
LAST_THREE = {"*******" + p[-3:] for p in PHONES}


def masked(text: str) -> set[str]:
    """Every masked phone in the text, with whatever digits it shows."""
    return set(re.findall(r"\d*\*{3,}\d*", text))


def archive_text(xlsx: bytes) -> str:
    """Every file inside the workbook's zip archive, as text."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


async def crowd(app: App, clock: ManualClock) -> None:
    for i, phone in enumerate(PHONES):
        person = Person.on(app, "telegram", str(3000 + i), f"P{i}")
        await person.register(name=f"Nguyễn Văn Thử {'ABCD'[i]}", phone=phone)
        await person.take_attempt(correct=6 + i, prediction=10 + i)
        clock.advance(minutes=1)


async def test_results_workbooks_mask_phones_unless_they_are_the_internal_copy(
    app: App, clock: ManualClock
) -> None:
    await crowd(app, clock)
    results = await round_results(app.svc, "2023-Q1")
    public = archive_text(await results_workbook(app.svc, results))
    assert masked(public) == LAST_THREE
    assert phones_in(public, PHONES) == []
    internal = archive_text(await results_workbook(app.svc, results, full_phones=True))
    assert len(phones_in(internal, PHONES)) == len(PHONES)

    closed = await close_round(app.svc, "2023-Q1", actor="test")
    for certificate in certificates(app.contest, closed):
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.data)).pages)
        assert "Nguyễn Văn Thử" in text
        assert phones_in(text, PHONES) == []


async def test_the_cli_results_mask_phones_unless_asked_for_full_ones(
    app: App, clock: ManualClock, tmp_path: Path
) -> None:
    await crowd(app, clock)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DATABASE"))} | {
        "DATABASE_URL": app.settings.database_url,
        "CONTEST_FILE": str(CONTEST_FILE),
        "COLUMNS": "200",
    }

    def results(*args: str) -> str:
        done = subprocess.run(
            [str(QUIZBOT), "results", "2023-Q1", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    printed = results("--xlsx", str(tmp_path / "public.xlsx"))
    assert "Nguyễn Văn Thử" in printed
    assert phones_in(printed, PHONES) == []
    assert masked(printed) == LAST_THREE
    public = archive_text((tmp_path / "public.xlsx").read_bytes())
    assert phones_in(public, PHONES) == []
    assert masked(public) == LAST_THREE

    printed = results("--xlsx", str(tmp_path / "internal.xlsx"), "--full-phones")
    assert phones_in(printed, PHONES) == []  # the terminal table stays masked
    assert masked(printed) == LAST_THREE
    internal = archive_text((tmp_path / "internal.xlsx").read_bytes())
    assert len(phones_in(internal, PHONES)) == len(PHONES)
