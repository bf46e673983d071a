"""Who took files with whole phone numbers, and when: a results workbook's internal copy from
/admin or from the dashboard is in the audit log with the path it took, the public copy says
it has none, and /admin lists the internal ones."""

from __future__ import annotations

import gzip

from bot.app import App
from bot.clock import ManualClock
from tests.results_round import close_with_four
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat


async def test_internal_copies_from_chat_and_web_are_recorded_and_listed_in_admin(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    await close_with_four(app, clock)
    for kind in ("Bản nội bộ (đủ số điện thoại)", "Bản công bố (ẩn số điện thoại)"):
        await organiser.send("/admin")
        await organiser.tap("📊 Tải kết quả")
        await organiser.tap("Quý 1")
        await organiser.tap(kind)
    clock.advance(minutes=5)
    await browser.sign_in(await link_from_chat(organiser))
    async with browser.client.get("/quan-tri/ket-qua/2023-Q1/noi-bo.xlsx") as resp:
        assert resp.status == 200

    downloads = [e for e in await app.svc.audit.recent(50) if e.action == "results.download"]
    assert [(e.actor, e.detail["full_phones"], e.detail["via"]) for e in downloads] == [
        (ORGANISER, True, "web"),
        (ORGANISER, False, "chat"),
        (ORGANISER, True, "chat"),
    ]

    await organiser.send("/admin")
    await organiser.tap("🔐 Ai đã tải số điện thoại đầy đủ")
    lines = [line for line in organiser.said.splitlines() if line.startswith("• ")]
    assert lines == [
        f"• 00:05 ngày 31/03/2023 — {ORGANISER}: bản kết quả nội bộ Quý 1 (trang quản trị)",
        f"• 00:00 ngày 31/03/2023 — {ORGANISER}: bản kết quả nội bộ Quý 1 (trong /admin)",
    ]


async def test_the_list_is_for_organisers_only(app: App, organiser: Person) -> None:
    stranger = Person.on(app, "telegram", "5", "Lạ")
    await stranger.tap_token("adm:downloads")
    assert stranger.notices() == ["Nút này không còn hiệu lực."]
    await organiser.send("/admin")
    await organiser.tap("🔐 Ai đã tải số điện thoại đầy đủ")
    assert "Tệp có số điện thoại đầy đủ đã tải" in organiser.said
    assert "(chưa có)" in organiser.said


async def test_the_detail_file_downloads_from_the_dashboard_and_is_recorded(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    await close_with_four(app, clock)
    await browser.sign_in(await link_from_chat(organiser))

    async with browser.client.get("/quan-tri/ket-qua/2023-Q1") as page:
        assert "chi-tiet-noi-bo.csv.gz" in await page.text()
    async with browser.client.get("/quan-tri/ket-qua/2023-Q1/chi-tiet-noi-bo.csv.gz") as resp:
        assert resp.status == 200
        assert "chi-tiet-2023-Q1-noi-bo.csv.gz" in resp.headers["Content-Disposition"]
        body = await resp.read()

    lines = gzip.decompress(body).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 40  # the header and the four counted attempts' answers
    assert "0912345678" in lines[1]  # An, first, with the whole phone
    downloads = [e for e in await app.svc.audit.recent(50) if e.action == "results.download"]
    assert [(e.detail["full_phones"], e.detail["via"]) for e in downloads] == [(True, "web")]
