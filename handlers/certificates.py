"""Certificates ("giấy chứng nhận") for a round's winners: one A4 landscape PDF each.

`certificate_pdf` draws one certificate from what it says (`CertificateData`); `certificates`
makes those of a closed round's prizes. The page follows Vietnamese administrative documents:
the organiser (under its parent bodies) at the top, beside the national motto when
`contest.certificate.heading` is `motto`; "GIẤY CHỨNG NHẬN"; the holder, the prize, the round
and the contest; the place and date and the signer's block; and, when the certificate has a
verification code, the code and a QR code of the address where anyone can check it.

The typeface is Source Serif Pro from the `font-source-serif-pro` package (a project
dependency): its regular and bold faces cover every Vietnamese letter, so names print with
their diacritics whatever machine makes the files. Its italics do not, so none are used. Texts
are composed (NFC) and drawn without shaping, one glyph per letter and no ligatures, and fpdf2
embeds each font with a ToUnicode map: the text copied or extracted from the PDF is the text
printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib.resources import as_file, files
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import TTFFont

from handlers.certificate_layout import (
    FAMILY,
    NAVY,
    RED,
    DoesNotFitError,
    TextFit,
    draw_frame,
    draw_heading,
    draw_lines,
    draw_qr,
    fit_column,
    fit_text,
)
from handlers.contest import ContestConfig
from handlers.contest_info import CertificateHeading
from handlers.rounds import RoundResults
from storage.models import Round

FONT_PACKAGE = "font_source_serif_pro"
FONT_FILES = {"": "SourceSerifPro-Regular.ttf", "B": "SourceSerifPro-Bold.ttf"}
TITLE = "GIẤY CHỨNG NHẬN"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
RESIDENT = "người dân"

# Where the parts of the page go (mm, A4 landscape 297 × 210; the frame's inner line is
# 12.5 mm in). The body's lines sit between the title and BODY_BOTTOM, full width; below it
# the verification code on the left and the signature block on the right share the bottom.
PAGE_W, PAGE_H = 297.0, 210.0
TEXT_LEFT, TEXT_WIDTH = 25.0, PAGE_W - 50
BODY_BOTTOM = 143.0
SIGN_LEFT, SIGN_WIDTH, SIGN_TOP, SIGN_NAME_Y = 165.0, 112.0, 146.0, 182.0
QR_LEFT, QR_TOP, QR_SIZE = 24.0, 150.0, 30.0
CODE_LEFT = QR_LEFT + QR_SIZE + 4
CODE_WIDTH = SIGN_LEFT - 6 - CODE_LEFT


class CertificateError(Exception):
    """Certificates cannot be made: the round is not final, or a text cannot be printed."""


class RoundNotFinalError(CertificateError):
    """The round has not closed yet, so its prizes are not final."""


@dataclass(frozen=True)
class CertificateData:
    """What one certificate says: its holder, prize and round, the day it is issued, and the
    verification code with the address that checks it (`<PUBLIC_BASE_URL>/xac-minh/<code>`).

    Dates are local to the contest. A certificate without a code (both "") has no
    verification block.
    """

    full_name: str
    locality: str
    unit: str
    prize: str
    round_name: str
    round_opens: date
    round_closes: date
    issued: date
    code: str = ""
    verify_url: str = ""

    def __post_init__(self) -> None:
        if bool(self.code.strip()) != bool(self.verify_url.strip()):
            raise ValueError("a verification code goes with its verification address")


@dataclass(frozen=True)
class Certificate:
    """One winner's certificate: a file name and the PDF."""

    filename: str
    data: bytes
    participant_id: int
    tier: str


def certificate_pdf(contest: ContestConfig, data: CertificateData) -> bytes:
    """One certificate as an A4 landscape PDF.

    Raises CertificateError when a text has a letter the typeface cannot print or is too long
    to fit the page.
    """
    with _font_paths() as fonts:
        return _render(contest, data, fonts)


def certificates(
    contest: ContestConfig,
    results: RoundResults,
    *,
    codes: Mapping[int, str] | None = None,
    verify_url: Callable[[str], str] | None = None,
    issued: date | None = None,
    issued_on: Mapping[int, date] | None = None,
) -> list[Certificate]:
    """One certificate per prize of a closed round, in prize order.

    `codes` gives each winner's verification code (by participant id) and `verify_url` the
    address that checks a code; without them the certificates carry no verification block.
    `issued` is the day printed above the signature (default: the day the round closed);
    `issued_on` gives a winner's own day instead (the day stored with their code).
    Raises RoundNotFinalError while the round is open (its prizes could still change), and
    CertificateError when a winner has no code.
    """
    if not results.final:
        raise RoundNotFinalError(results.round.code)
    if (codes is None) != (verify_url is None):
        raise ValueError("codes and verify_url go together")
    rnd = results.round
    opens, closes = (t.astimezone(contest.tz).date() for t in (rnd.opens_at, rnd.closes_at))
    day = issued or closing_day(rnd, contest.tz)
    width = max(2, len(str(len(results.awards))))
    # A winner who withdrew consent still gets the prize: named as stored at closing.
    people = results.internal().people
    out = []
    with _font_paths() as fonts:
        for i, award in enumerate(results.awards, start=1):
            person = people[award.participant_id]
            code = ""
            if codes is not None and verify_url is not None:
                code = codes.get(award.participant_id, "")
                if not code:
                    raise CertificateError(f"no verification code for {person.full_name}")
            data = CertificateData(
                full_name=person.full_name,
                locality=person.locality,
                unit=person.unit,
                prize=contest.prize_name(award.tier),
                round_name=rnd.name,
                round_opens=opens,
                round_closes=closes,
                issued=(issued_on or {}).get(award.participant_id, day),
                code=code,
                verify_url=verify_url(code) if code and verify_url else "",
            )
            out.append(
                Certificate(
                    filename=f"{i:0{width}d}-{slug(data.prize)}-{slug(person.full_name)}.pdf",
                    data=_render(contest, data, fonts),
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


def round_words(name: str, opens: date, closes: date) -> str:
    """Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)."""
    return f"{name} (từ ngày {opens:%d/%m/%Y} đến ngày {closes:%d/%m/%Y})"


def whereabouts(unit: str, locality: str) -> str:
    """The unit and the locality, or the locality alone for a resident."""
    if unit.strip().casefold() == RESIDENT:
        return locality
    return f"{unit}, {locality}"


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


def _render(contest: ContestConfig, data: CertificateData, fonts: dict[str, Path]) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    try:
        for style, path in fonts.items():
            pdf.add_font(FAMILY, style, path)
        return _draw(pdf, contest, data)
    except DoesNotFitError as exc:
        raise CertificateError(
            f"too long to fit the certificate: {exc} ({_nfc(data.full_name)})"
        ) from exc
    finally:
        # fontTools reads the font files lazily and keeps them open until told otherwise.
        for font in pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()


def _draw(pdf: FPDF, contest: ContestConfig, data: CertificateData) -> bytes:
    info = contest.contest
    look = info.certificate
    name = _nfc(data.full_name)
    prize = _nfc(data.prize)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{TITLE} – {name} – {prize} – {_nfc(data.round_name)}")
    pdf.set_author(_nfc(info.organiser))
    pdf.set_subject(_nfc(info.title))
    pdf.set_creator("quizbot")
    pdf.set_lang("vi")
    # A fixed date keeps the file the same however often it is made.
    pdf.set_creation_date(datetime.combine(data.issued, time(), contest.tz))
    pdf.add_page()
    draw_frame(pdf, PAGE_W, PAGE_H)

    organiser = [_nfc(p).upper() for p in look.parent]
    organiser.append(_nfc(look.organiser or info.organiser).upper())
    motto = look.heading == CertificateHeading.MOTTO
    below = draw_heading(pdf, organiser, MOTTO if motto else None, top=21.0)

    title = fit_text(pdf, TextFit(TITLE, "B", 34, least=26, color=RED), TEXT_WIDTH)
    draw_lines(pdf, title, TEXT_LEFT, below + 5, TEXT_WIDTH)
    body = [
        TextFit("Ban Tổ chức chứng nhận", "", 14, least=11),
        TextFit(name, "B", 28, least=14, lines=2, wrap_below=18, color=NAVY, gap=1),
        TextFit(
            _nfc(whereabouts(data.unit, data.locality)),
            "",
            13,
            least=9,
            lines=2,
            wrap_below=11,
            gap=1,
        ),
        TextFit("đã đạt", "", 14, least=11, gap=3),
        TextFit(prize, "B", 24, least=14, lines=2, wrap_below=16, color=RED, gap=1),
        TextFit(
            _nfc(round_words(data.round_name, data.round_opens, data.round_closes)),
            "B",
            15,
            least=10,
            lines=2,
            gap=3,
        ),
        TextFit(_nfc(info.title), "", 14, least=9, lines=3, wrap_below=12, gap=1),
    ]
    top = below + 5 + title.height + 3
    placed = fit_column(pdf, body, TEXT_WIDTH, top=top, bottom=BODY_BOTTOM)
    if placed is None:
        raise DoesNotFitError("the holder, the prize, the round and the contest's title")
    for y, lines in placed:
        draw_lines(pdf, lines, TEXT_LEFT, y, TEXT_WIDTH)

    _sign(pdf, contest, data)
    if data.code.strip():
        _verification(pdf, data.code.strip(), data.verify_url.strip())

    out = bytes(pdf.output())
    ttf = [f for f in pdf.fonts.values() if isinstance(f, TTFFont)]
    missing = sorted({chr(c) for f in ttf for c in f.missing_glyphs})
    if missing:
        raise CertificateError(
            f"the certificate font has no glyph for {''.join(missing)!r} ({name})"
        )
    return out


def _sign(pdf: FPDF, contest: ContestConfig, data: CertificateData) -> None:
    """Place and date, the signer's title, room for the signature and seal, the name."""
    info = contest.contest
    signer = info.certificate_signer
    place = _nfc(info.certificate.place or info.province)
    y = SIGN_TOP
    for t in (
        TextFit(f"{place}, {date_words(data.issued)}", "", 13, least=9),
        TextFit(_nfc(signer.title).upper(), "B", 13, least=10, lines=2, wrap_below=12),
    ):
        lines = fit_text(pdf, t, SIGN_WIDTH)
        draw_lines(pdf, lines, SIGN_LEFT, y, SIGN_WIDTH)
        y += lines.height + 0.5
    if signer.name:
        lines = fit_text(pdf, TextFit(_nfc(signer.name), "B", 14, least=10), SIGN_WIDTH)
        draw_lines(pdf, lines, SIGN_LEFT, SIGN_NAME_Y, SIGN_WIDTH)


def _verification(pdf: FPDF, code: str, url: str) -> None:
    """The QR code of the verification address, the code and the address beside it."""
    draw_qr(pdf, url, QR_LEFT, QR_TOP, QR_SIZE)
    label = fit_text(pdf, TextFit(f"Mã xác minh: {code}", "", 10, least=7), CODE_WIDTH)
    address = fit_text(
        pdf, TextFit(url, "", 8, least=6, lines=3, wrap_below=7, url=True), CODE_WIDTH
    )
    height = label.height + 1 + address.height
    y = QR_TOP + (QR_SIZE - height) / 2
    draw_lines(pdf, label, CODE_LEFT, y, CODE_WIDTH, align="L")
    draw_lines(pdf, address, CODE_LEFT, y + label.height + 1, CODE_WIDTH, align="L", link=url)
