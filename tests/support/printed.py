"""A PDF page as a reader meets it: its text as pypdf extracts it, each word's box as poppler
places it, the page drawn as a PNG by pdftoppm (kept in test-artifacts/certificates/, or
$QUIZBOT_CERTIFICATE_ARTIFACTS) and the QR codes read back from that image by zxing-cpp."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(
    os.environ.get("QUIZBOT_CERTIFICATE_ARTIFACTS", ROOT / "test-artifacts" / "certificates")
)
DPI = 150
PT_PER_MM = 72 / 25.4
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in points from the top left corner."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two rectangles share some area."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, other: Box) -> bool:
        """Whether this rectangle lies wholly within the other."""
        return (
            other.left <= self.left
            and self.right <= other.right
            and other.top <= self.top
            and self.bottom <= other.bottom
        )

    def core(self) -> Box:
        """The middle of a word's box: the ink of its letters, without the room the font keeps
        above and below (which lines set close together share)."""
        shave = (self.bottom - self.top) / 4
        return Box(self.left + 0.5, self.top + shave, self.right - 0.5, self.bottom - shave)


@dataclass(frozen=True)
class Word:
    """A word and where poppler finds it."""

    text: str
    box: Box


@dataclass(frozen=True)
class Printed:
    """One page of a PDF as it is read and as it looks."""

    lines: list[str]
    words: list[Word]
    qr: list[tuple[str, Box]]
    size: tuple[float, float]
    png: Path


def tools() -> None:
    """Fails the test, saying what to install, when poppler's tools are missing."""
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.fail("these tests need pdftoppm and pdftotext: apt-get install -y poppler-utils")


def read_page(data: bytes, name: str) -> Printed:
    """The one page of a PDF, kept as ARTIFACTS/<name>.pdf and .png."""
    tools()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    [page] = reader.pages
    text = page.extract_text()
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )
    png = ARTIFACTS / f"{name}.png"
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    words = [
        Word(html.unescape(m[5]), Box(float(m[1]), float(m[2]), float(m[3]), float(m[4])))
        for m in _WORD.finditer(bbox)
    ]
    scale = 72 / DPI
    qr = []
    for found in zxingcpp.read_barcodes(Image.open(png).convert("L")):
        corners = [found.position.top_left, found.position.top_right]
        corners += [found.position.bottom_left, found.position.bottom_right]
        xs, ys = [c.x * scale for c in corners], [c.y * scale for c in corners]
        qr.append((found.text, Box(min(xs), min(ys), max(xs), max(ys))))
    return Printed(
        lines=text.splitlines(),
        words=words,
        qr=qr,
        size=(float(page.mediabox.width), float(page.mediabox.height)),
        png=png,
    )


def as_printed(lines: list[str], texts: list[str]) -> list[int]:
    """How many lines each text took, when the lines are exactly the texts in order, each
    whole or wrapped at a space or after a slash; fails the test naming the first mismatch."""
    taken: list[int] = []
    at = 0
    for text in texts:
        for count in range(1, 5):
            part = lines[at : at + count]
            if " ".join(part) == text or "".join(part) == text:
                taken.append(count)
                at += count
                break
        else:
            pytest.fail(f"expected {text!r} at line {at}, the page reads {lines[at:]!r}")
    assert lines[at:] == [], f"more lines than expected: {lines[at:]!r}"
    assert all(unicodedata.is_normalized("NFC", line) for line in lines)
    return taken
