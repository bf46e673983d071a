"""Certificates ("giấy chứng nhận") for a closed round's winners: one A4 landscape PDF each.

The typeface is Source Serif Pro from the `font-source-serif-pro` package (a project
dependency): its regular and bold faces cover every Vietnamese letter, so names print with
their diacritics whatever machine makes the files. Its italics do not, so none are used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib.resources import as_file, files
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import TTFFont

from handlers.contest import ContestConfig
from handlers.rounds import RoundResults
from storage.models import Round
from storage.repos.participants import Entrant

FONT_PACKAGE = "font_source_serif_pro"
FONT_FILES = {"": "SourceSerifPro-Regular.ttf", "B": "SourceSerifPro-Bold.ttf"}
FAMILY = "SourceSerif"
TITLE = "GIẤY CHỨNG NHẬN"
RED = (160, 20, 30)
NAVY = (20, 40, 110)
BLACK = (0, 0, 0)
PAGE_W, PAGE_H = 297.0, 210.0


class CertificateError(Exception):
    """Certificates cannot be made: the round is not final, or a text cannot be printed."""


class RoundNotFinalError(CertificateError):
    """The round has not closed yet, so its prizes are not final."""


@dataclass(frozen=True)
class Certificate:
    """One winner's certificate: a file name and the PDF."""

    filename: str
    data: bytes
    participant_id: int
    tier: str


def certificates(contest: ContestConfig, results: RoundResults) -> list[Certificate]:
    """One certificate per prize of a closed round, in prize order.

    Raises RoundNotFinalError while the round is open (its prizes could still change).
    """
    if not results.final:
        raise RoundNotFinalError(results.round.code)
    issued = date_words(closing_day(results.round, contest.tz))
    width = max(2, len(str(len(results.awards))))
    # A winner who withdrew consent still gets the prize: named as stored at closing.
    people = results.internal().people
    out = []
    with _font_paths() as fonts:
        for i, award in enumerate(results.awards, start=1):
            person = people[award.participant_id]
            prize = contest.prize_name(award.tier)
            out.append(
                Certificate(
                    filename=f"{i:0{width}d}-{slug(prize)}-{slug(person.full_name)}.pdf",
                    data=_pdf(contest, results.round, person, prize, issued, fonts),
                    participant_id=award.participant_id,
                    tier=award.tier,
                )
            )
    return out


def closing_day(rnd: Round, tz: ZoneInfo) -> date:
    """The local day a round ended: its planned close, or the day it was closed if earlier."""
    end = rnd.closes_at if rnd.closed_at is None else min(rnd.closed_at, rnd.closes_at)
    return end.astimezone(tz).date()


def date_words(d: date) -> str:
    """ngày 30 tháng 3 năm 2023; a day below 10 and the months 1 and 2 take a leading zero,
    as administrative documents write them (ngày 05 tháng 01 năm 2024)."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def slug(text: str) -> str:
    """ASCII for file names: Giải Nhất -> giai-nhat, Đặng Văn Lực -> dang-van-luc."""
    plain = text.replace("đ", "d").replace("Đ", "D")
    ascii_only = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "x"


@contextmanager
def _font_paths() -> Iterator[dict[str, Path]]:
    with ExitStack() as stack:
        yield {
            style: stack.enter_context(as_file(files(FONT_PACKAGE) / "files" / name))
            for style, name in FONT_FILES.items()
        }


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _pdf(
    contest: ContestConfig,
    rnd: Round,
    person: Entrant,
    prize: str,
    issued: str,
    fonts: dict[str, Path],
) -> bytes:
    info = contest.contest
    name = _nfc(person.full_name)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_title(f"{TITLE} – {name} – {prize} – {rnd.name}")
    pdf.set_author(info.organiser)
    pdf.set_subject(info.title)
    pdf.set_creator("quizbot")
    pdf.set_lang("vi")
    # A fixed date keeps the file the same however often it is made.
    pdf.set_creation_date(datetime.combine(closing_day(rnd, contest.tz), time(), contest.tz))
    pdf.add_page()

    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_line_width(0.4)
    pdf.rect(12.5, 12.5, PAGE_W - 25, PAGE_H - 25)

    # Heading: the organiser on the left, the national motto on the right.
    pdf.set_text_color(*BLACK)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_xy(20, 22)
    pdf.multi_cell(125, 6, _nfc(info.organiser), align="C")
    pdf.set_xy(150, 22)
    pdf.cell(127, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(150, 28)
    pdf.set_font(FAMILY, "B", 13)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.cell(127, 6, motto, align="C")
    half = pdf.get_string_width(motto) / 2
    pdf.set_line_width(0.3)
    pdf.set_draw_color(*BLACK)
    pdf.line(213.5 - half, 35.5, 213.5 + half, 35.5)

    pdf.set_text_color(*RED)
    _centred(pdf, 52, TITLE, "B", 34, 14)
    pdf.set_text_color(*BLACK)
    pdf.set_font(FAMILY, "B", 14)
    y = 68.0
    for line in _balanced(pdf, f"BAN TỔ CHỨC {_nfc(info.title).upper()}", PAGE_W - 50):
        _centred(pdf, y, line, "B", 14, 7)
        y += 7
    y = max(y, 82) + 2
    _centred(pdf, y, "chứng nhận", "", 14, 8)
    pdf.set_text_color(*NAVY)
    _centred(pdf, y + 10, name, "B", 28, 13)
    pdf.set_text_color(*BLACK)
    _centred(pdf, y + 24, _nfc(_whereabouts(person)), "", 13, 7)
    _centred(pdf, y + 33, "đã đạt", "", 14, 7)
    pdf.set_text_color(*RED)
    _centred(pdf, y + 41, _nfc(prize), "B", 24, 11)
    pdf.set_text_color(*BLACK)
    _centred(pdf, y + 53, _nfc(rnd.name), "B", 15, 8)

    pdf.set_xy(160, 160)
    pdf.set_font(FAMILY, "", 13)
    pdf.cell(117, 7, f"{_nfc(info.province)}, {issued}", align="C")
    pdf.set_xy(160, 167)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(117, 7, "TM. BAN TỔ CHỨC", align="C")

    data = bytes(pdf.output())
    ttf = [f for f in pdf.fonts.values() if isinstance(f, TTFFont)]
    missing = sorted({chr(c) for f in ttf for c in f.missing_glyphs})
    if missing:
        raise CertificateError(
            f"the certificate font has no glyph for {''.join(missing)!r} ({name})"
        )
    return data


def _whereabouts(person: Entrant) -> str:
    """The unit and the locality, or the locality alone for a resident."""
    if person.unit.strip().casefold() == "người dân":
        return person.locality
    return f"{person.unit}, {person.locality}"


def _balanced(pdf: FPDF, text: str, room: float) -> list[str]:
    """The text on one line if it fits, else on two lines of about equal width."""
    words = text.split()
    if pdf.get_string_width(text) <= room or len(words) < 2:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(
        splits, key=lambda pair: max(pdf.get_string_width(pair[0]), pdf.get_string_width(pair[1]))
    )
    return [first, second]


def _centred(pdf: FPDF, y: float, text: str, style: str, size: float, height: float) -> None:
    """A line centred across the page, its size reduced until it fits inside the border."""
    room = PAGE_W - 50
    pdf.set_font(FAMILY, style, size)
    while size > 8 and pdf.get_string_width(text) > room:
        size -= 1
        pdf.set_font(FAMILY, style, size)
    pdf.set_xy(25, y)
    pdf.cell(room, height, text, align="C")
