"""Documents a delivery names by reference, made when they are sent rather than stored."""

from __future__ import annotations

import io
import zipfile

from handlers.announce import CERTIFICATES_FILE, RESULTS_FILE
from handlers.context import Services
from handlers.events import Document
from handlers.reports.files import organiser_files
from handlers.rounds import round_results
from handlers.verification import certificates_with_codes


async def document(svc: Services, ref: str, *, caption: str) -> Document:
    """The document a reference names: "results:<code>" is a round's internal workbook (its
    per-answer detail is written on the server beside it, and the caption says where),
    "certificates:<code>" the certificates of its winners in one ZIP, each with its winner's
    verification code and the QR code of the address that checks it (the same codes as the
    command line and the dashboard print)."""
    if ref.startswith(RESULTS_FILE):
        code = ref.removeprefix(RESULTS_FILE)
        results = await round_results(svc, code)
        made, _ = await organiser_files(svc, results, full_phones=True, caption=caption)
        return made
    if ref.startswith(CERTIFICATES_FILE):
        code = ref.removeprefix(CERTIFICATES_FILE)
        results = await round_results(svc, code)
        certs = await certificates_with_codes(svc, results)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for cert in certs:
                zf.writestr(cert.filename, cert.data)
        return Document(f"giay-chung-nhan-{code}.zip", out.getvalue(), caption=caption)
    raise ValueError(f"unknown document reference {ref!r}")
