"""What every real-browser test does with a page: photograph it at phone and desktop width,
check it with axe-core, and keep the console's errors."""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.async_api import Browser, ConsoleMessage, Locator, Page

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(os.environ.get("QUIZBOT_ARTIFACTS", ROOT / "test-artifacts" / "web"))
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.10.3.min.js").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Visit:
    """A browser tab that records console errors and checks each page it shows."""

    page: Page
    name: str
    errors: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    @classmethod
    async def open(cls, browser: Browser, name: str, *, phone: bool = False) -> Visit:
        context = await browser.new_context(viewport=PHONE if phone else DESKTOP, locale="vi-VN")
        page = await context.new_page()
        visit = cls(page, name)
        page.on("console", visit._console)
        page.on("pageerror", lambda exc: visit.errors.append(f"page error: {exc}"))
        return visit

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    async def check(self, label: str) -> None:
        """Photograph the page at both widths and run axe on it: no violation allowed."""
        ascii_label = unicodedata.normalize("NFKD", label.replace("đ", "d").replace("Đ", "D"))
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.encode("ascii", "ignore").decode().lower())
        slug = slug.strip("-")
        size = self.page.viewport_size
        for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            await self.page.set_viewport_size(viewport)
            shot = ARTIFACTS / f"{self.name}-{slug}-{width}.png"
            await self.page.screenshot(path=str(shot), full_page=True)
            self.shots.append(shot)
            violations = await self.axe()
            assert violations == [], (
                f"{label} at {width} width: {json.dumps(violations, ensure_ascii=False, indent=1)}"
            )
        if size is not None:
            await self.page.set_viewport_size(size)
        assert self.errors == [], f"{label}: console errors {self.errors}"

    async def axe(self) -> list[dict[str, object]]:
        """axe-core's WCAG 2 A/AA violations on the page as shown now (rule, help, where)."""
        if not await self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the page's CSP does not govern.
            await self.page.evaluate(AXE)
        found = await self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
                return r.violations.map(v => ({
                    rule: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))
                }));
            }"""
        )
        return list(found)


async def decode_qr(image: Locator) -> list[str]:
    """What the QR code in an <img> says, read from a screenshot of it."""
    png = await image.screenshot()
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]
