"""Real-browser tests: Debian's Chromium driven by Playwright (never a downloaded browser).

Each test gets a fresh headless Chromium. A page is checked the way a person meets it, and
every page visited is photographed at phone and desktop width into test-artifacts/web/ (or
$QUIZBOT_ARTIFACTS), checked by axe-core for WCAG 2 A/AA problems (labels, contrast…), and
the browser console must stay free of errors (a refused script or style shows up there).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.web.browser.pages import ARTIFACTS

CHROMIUM = Path(os.environ.get("QUIZBOT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def chromium_binary() -> Path:
    """Debian's Chromium; the test fails, saying what to install, when there is none."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"these tests need Chromium at {CHROMIUM}: apt-get install -y chromium "
            "(.ci/run installs it), or set QUIZBOT_CHROMIUM to a Chromium binary"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return CHROMIUM


@pytest.fixture
async def chromium(chromium_binary: Path) -> AsyncIterator[Browser]:
    """A headless Chromium, closed after the test."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(chromium_binary), args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()
