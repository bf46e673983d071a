"""A closed round whose three winners get certificates with verification codes: what the
verification tests (handlers, command line, web page, browser) start from."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

from bot.app import App
from bot.clock import ManualClock
from handlers.jury import actions as jury
from handlers.rounds import RoundResults, close_round, round_results
from tests.conftest import vn
from tests.support.client import Person

SITE = "https://chuyendoiso.ninhbinh.gov.vn"
WINNERS = [
    # (uid, name, phone, locality, unit, right answers, prize)
    ("1", "Nguyễn Thị Ánh Tuyết", "0912345678", "Hoa Lư", "Sở Tư pháp", 9, "Giải Nhất"),
    ("2", "Đặng Văn Lực", "0987654321", "Kim Sơn", None, 8, "Giải Nhì"),
    ("3", "Trương Ngọc Ẩn", "0355111222", "Yên Mô", None, 7, "Giải Nhì"),
]


async def close_with_winners(app: App, clock: ManualClock) -> RoundResults:
    """Three people take part in 2023-Q1 (9, 8 and 7 right), it closes on 31/03 and the jury
    approves its results."""
    for uid, name, phone, locality, unit, right, _ in WINNERS:
        person = Person.on(app, "telegram", uid, name)
        await person.register(name=name, phone=phone, locality=locality, unit=unit)
        await person.take_attempt(correct=right)
    clock.set(vn(2023, 3, 31, 0, 0))
    await close_round(app.svc, "2023-Q1", actor="test")
    await jury.approve(app.svc, "2023-Q1", "test")
    return await round_results(app.svc, "2023-Q1")


def printed_code(pdf: bytes) -> str:
    """The verification code a certificate prints, as its text reads."""
    [page] = PdfReader(io.BytesIO(pdf)).pages
    lines = unicodedata.normalize("NFC", page.extract_text()).splitlines()
    [line] = [ln for ln in lines if ln.startswith("Mã xác minh: ")]
    return line.removeprefix("Mã xác minh: ")
