"""Documents a delivery names by reference, made when they are sent rather than stored."""

from __future__ import annotations

from handlers.announce import RESULTS_FILE
from handlers.context import Services
from handlers.events import Document
from handlers.reports.files import organiser_files
from handlers.rounds import round_results


async def document(svc: Services, ref: str, *, caption: str) -> Document:
    """The document a reference names: "results:<code>" is a round's internal workbook.

    Its per-answer detail is written on the server beside it, and the caption says where.
    """
    if not ref.startswith(RESULTS_FILE):
        raise ValueError(f"unknown document reference {ref!r}")
    code = ref.removeprefix(RESULTS_FILE)
    results = await round_results(svc, code)
    made, _ = await organiser_files(svc, results, full_phones=True, caption=caption)
    return made
