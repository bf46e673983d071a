"""Drawing a certificate's page: texts that wrap or shrink to fit their room, the frame, the
heading of an administrative document, and a QR code drawn as vector squares (segno)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from fpdf import FPDF

FAMILY = "SourceSerif"
RED = (160, 20, 30)
NAVY = (20, 40, 110)
BLACK = (0, 0, 0)
Colour = tuple[int, int, int]
# A line's height, as a multiple of the font size (points to millimetres).
LEAD = 1.3 * 25.4 / 72
STEP = 0.5
LEFT_COLUMN = (20.0, 125.0)
RIGHT_COLUMN = (150.0, 127.0)
CENTRE_COLUMN = (25.0, 247.0)


@dataclass(frozen=True)
class TextFit:
    """A text and how it may be fitted: its size, the least size it may shrink to, how many
    lines it may take (it wraps rather than shrink below `wrap_below`), and the gap above it
    in a column (mm). A `url` wraps after a slash instead of at spaces."""

    text: str
    style: str
    size: float
    least: float
    lines: int = 1
    wrap_below: float = 0.0
    color: Colour = BLACK
    gap: float = 0.0
    url: bool = False


@dataclass(frozen=True)
class Line:
    """Lines of one text as fitted: their font size and the height they take (mm)."""

    lines: list[str]
    style: str
    size: float
    color: Colour

    @property
    def line_height(self) -> float:
        """The height of one line (mm)."""
        return self.size * LEAD

    @property
    def height(self) -> float:
        """The height of all the lines (mm)."""
        return self.line_height * len(self.lines)


class DoesNotFitError(ValueError):
    """A text is too long for its room even at its least size and most lines."""


def fit_text(pdf: FPDF, t: TextFit, room: float, *, scale: float = 1.0) -> Line:
    """The text at the largest size (down to its least) and fewest lines that fit the room.

    Raises DoesNotFitError when nothing fits.
    """
    top = max(t.size * scale, t.least)
    sizes = []
    size = top
    while size >= t.least:
        sizes.append(size)
        size -= STEP
    for count in range(1, t.lines + 1):
        for size in sizes:
            if count < t.lines and size < t.wrap_below:
                break
            pdf.set_font(FAMILY, t.style, size)
            lines = _balanced(pdf, t.text, room, count, url=t.url)
            if lines is not None:
                return Line(lines, t.style, size, t.color)
    raise DoesNotFitError(t.text)


def fit_column(
    pdf: FPDF, texts: Sequence[TextFit], room: float, *, top: float, bottom: float
) -> list[tuple[float, Line]] | None:
    """Where each text goes in a column between `top` and `bottom`: the texts at their sizes
    if they fit, else all smaller together; the column centred in its room, gaps widened a
    little where there is space. None when they do not fit even at their least sizes."""
    scale = 1.0
    while scale >= 0.4:
        try:
            fitted = [fit_text(pdf, t, room, scale=scale) for t in texts]
        except DoesNotFitError:
            return None
        gaps = [t.gap * scale for t in texts[1:]]
        height = sum(f.height for f in fitted) + sum(gaps)
        if height <= bottom - top:
            extra = min(3.0, (bottom - top - height) / max(1, len(gaps) + 2))
            y = top + (bottom - top - height - extra * len(gaps)) / 2
            placed = []
            for i, f in enumerate(fitted):
                if i:
                    y += gaps[i - 1] + extra
                placed.append((y, f))
                y += f.height
            return placed
        scale -= 0.05
    return None


def draw_lines(
    pdf: FPDF, text: Line, x: float, y: float, width: float, *, align: str = "C", link: str = ""
) -> None:
    """The lines one under the other from y, aligned in the column [x, x + width]."""
    pdf.set_font(FAMILY, text.style, text.size)
    pdf.set_text_color(*text.color)
    for i, line in enumerate(text.lines):
        pdf.set_xy(x, y + i * text.line_height)
        pdf.cell(width, text.line_height, line, align=align, link=link)
    pdf.set_text_color(*BLACK)


def draw_frame(pdf: FPDF, width: float, height: float) -> None:
    """A thick and a thin red border."""
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, width - 18, height - 18)
    pdf.set_line_width(0.4)
    pdf.rect(12.5, 12.5, width - 25, height - 25)


def draw_heading(
    pdf: FPDF, organiser: list[str], motto: tuple[str, str] | None, *, top: float
) -> float:
    """The heading of an administrative document; returns the y below it.

    The organiser's lines (its parent bodies in regular capitals, then its own name in bold),
    with a short rule under them: alone and centred, or on the left with the national motto
    on the right, its second line underlined.
    """
    below = top
    if motto is not None:
        # Drawn first: text that follows on the same baseline would be read as one line.
        x, width = RIGHT_COLUMN
        republic = fit_text(pdf, TextFit(motto[0], "B", 12, least=9), width)
        draw_lines(pdf, republic, x, top, width)
        words = fit_text(pdf, TextFit(motto[1], "B", 13, least=10), width)
        draw_lines(pdf, words, x, top + republic.height, width)
        pdf.set_font(FAMILY, "B", words.size)
        below = top + republic.height + words.height + 0.2
        _rule(pdf, x + width / 2, below, pdf.get_string_width(motto[1]))
    x, width = CENTRE_COLUMN if motto is None else LEFT_COLUMN
    y = top
    *parents, own = organiser
    for parent in parents:
        line = fit_text(pdf, TextFit(parent, "", 12, least=9, lines=2, wrap_below=11), width)
        draw_lines(pdf, line, x, y, width)
        y += line.height
    name = fit_text(pdf, TextFit(own, "B", 12, least=9, lines=2, wrap_below=11), width)
    draw_lines(pdf, name, x, y, width)
    y += name.height + 1.5
    pdf.set_font(FAMILY, "B", name.size)
    rule = max(pdf.get_string_width(line) for line in name.lines) / 3
    _rule(pdf, x + width / 2, y, max(rule, 20.0))
    return max(below, y)


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """A QR code of the data (error correction M), dark squares on the white page; the page
    around it is its quiet zone."""
    matrix = segno.make(data, error="m").matrix
    module = size / len(matrix)
    pdf.set_fill_color(*BLACK)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair taller than a module, so no seam shows between rows once rasterised.
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module * 1.02, "F")


def _rule(pdf: FPDF, centre: float, y: float, width: float) -> None:
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.3)
    pdf.line(centre - width / 2, y, centre + width / 2, y)


def _balanced(pdf: FPDF, text: str, room: float, count: int, *, url: bool) -> list[str] | None:
    """The text in at most `count` lines as even in width as can be, each within the room;
    None when it cannot be."""
    words, joiner = (re.split(r"(?<=/)", text), "") if url else (text.split(), " ")
    words = [w for w in words if w]
    lines = _wrap(pdf, words, joiner, room)
    if lines is None or len(lines) > count:
        return None
    if len(lines) == 1:
        return lines
    # The narrowest width that still wraps into as many lines: the lines come out even.
    low, high = max(pdf.get_string_width(w) for w in words), room
    while high - low > 0.5:
        mid = (low + high) / 2
        trial = _wrap(pdf, words, joiner, mid)
        if trial is not None and len(trial) <= len(lines):
            high = mid
        else:
            low = mid
    return _wrap(pdf, words, joiner, high)


def _wrap(pdf: FPDF, words: list[str], joiner: str, room: float) -> list[str] | None:
    """The words filled line by line within the room; None if a word alone is wider."""
    lines: list[str] = []
    current = ""
    for word in words:
        if pdf.get_string_width(word) > room:
            return None
        trial = f"{current}{joiner}{word}" if current else word
        if pdf.get_string_width(trial) <= room:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
