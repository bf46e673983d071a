"""QR codes and the embeddable banner, drawn by the server as SVG (no outside service)."""

from __future__ import annotations

import io
import textwrap

import segno
from markupsafe import Markup, escape

BANNER_WIDTH, BANNER_HEIGHT = 600, 200


def qr_svg(data: str, *, title: str, scale: int = 6) -> bytes:
    """A QR code of `data` (dark on white, with the quiet zone), as an SVG document."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, border=4, dark="#000", light="#fff", title=title)
    return out.getvalue()


def banner_svg(*, title: str, organiser: str, call: str, url: str) -> bytes:
    """The banner for the department's website: the title, who organises, and a QR code of
    the contest's page."""
    qr = segno.make(url, error="m")
    size = qr.symbol_size(scale=4, border=2)[0]
    code = io.BytesIO()
    qr.save(code, kind="svg", scale=4, border=2, dark="#000", light="#fff", xmldecl=False)
    top = (BANNER_HEIGHT - size) // 2
    lines = textwrap.wrap(title, 36)[:3]
    title_rows = "".join(
        f'<text x="24" y="{48 + 30 * i}" font-size="22" font-weight="bold">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    below = 48 + 30 * len(lines)
    svg = (
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BANNER_WIDTH}" '
        f'height="{BANNER_HEIGHT}" viewBox="0 0 {BANNER_WIDTH} {BANNER_HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#0b4f8a"/>'
        f'<g fill="#fff" font-family="Arial, Helvetica, sans-serif">{title_rows}'
        f'<text x="24" y="{below}" font-size="15">{escape(organiser)}</text>'
        f'<text x="24" y="{below + 34}" font-size="18" font-weight="bold" fill="#ffd54a">'
        f"{escape(call)}</text></g>"
        f'<g transform="translate({BANNER_WIDTH - size - 24},{top})">'
        f"{Markup(code.getvalue().decode())}</g></svg>"
    )
    return svg.encode()
