"""The results files organisers get, and where the server keeps them.

The workbook (ranking, prizes, statistics) is sent in the chat or downloaded; the
per-answer detail, 13,000,000 lines for a round of 1,300,000 people, is written to the
server's results directory (RESULTS_DIR) and the organisers are told where it is. The
workbook is kept there too: one too large for Telegram's 50 MB is not sent, and the bot
says where it is instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from handlers.context import Services
from handlers.events import Document
from handlers.formatting import number_vn
from handlers.reports.detail_csv import detail_filename, write_detail
from handlers.reports.workbook import results_workbook
from handlers.rounds import RoundResults


@dataclass(frozen=True)
class Detail:
    """The per-answer detail written on the server: where, and how many answer lines."""

    path: Path
    lines: int


def workbook_filename(code: str, *, full_phones: bool) -> str:
    """The workbook's file name: public copy ("cong-bo") or internal ("noi-bo")."""
    return f"ket-qua-{code}-{'noi-bo' if full_phones else 'cong-bo'}.xlsx"


async def keep_detail(svc: Services, results: RoundResults, *, full_phones: bool) -> Detail:
    """Write the round's per-answer detail into the results directory."""
    path = svc.results_dir.resolve() / detail_filename(results.round.code, full_phones=full_phones)
    lines = await write_detail(svc, results, path, full_phones=full_phones)
    return Detail(path, lines)


async def organiser_files(
    svc: Services, results: RoundResults, *, full_phones: bool, caption: str
) -> tuple[Document, Detail]:
    """The workbook as a document to send (also kept on the server, its `kept_at` saying
    where), and the detail written beside it; the caption says where the detail is."""
    code = results.round.code
    # Side by side: the workbook's round-wide counts and the detail's lines (PostgreSQL
    # writes them itself) keep the database busy while the workbook is built here.
    data, detail = await asyncio.gather(
        results_workbook(svc, results, full_phones=full_phones),
        keep_detail(svc, results, full_phones=full_phones),
    )
    filename = workbook_filename(code, full_phones=full_phones)
    kept = svc.results_dir.resolve() / filename
    await asyncio.to_thread(_write, kept, data)
    where = svc.texts("admin.detail_kept", path=str(detail.path), lines=number_vn(detail.lines))
    text = f"{caption}\n{where}" if caption else str(where)
    return Document(filename, data, caption=text, kept_at=str(kept)), detail


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    part.replace(path)
