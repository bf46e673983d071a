"""Every dashboard form needs the session's token: a form posted from elsewhere does nothing."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.client import Person
from tests.web.support import Browser, link_from_chat

FORMS = [
    ("/quan-tri/thong-bao/gui", {"text": "Giả mạo", "audience": "all"}),
    ("/quan-tri/dot-thi/2023-Q2/mo", {}),
    ("/quan-tri/dot-thi/2023-Q1/dong", {}),
    ("/quan-tri/cau-hoi/thay", {}),
    ("/quan-tri/dang-xuat", {}),
]


@pytest.mark.parametrize(("path", "data"), FORMS)
@pytest.mark.parametrize("token", [None, "", "not-the-token"])
async def test_a_form_without_the_session_token_is_refused_and_changes_nothing(
    app: App,
    organiser: Person,
    browser: Browser,
    path: str,
    data: dict[str, str],
    token: str | None,
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    audited = len(await app.svc.audit.recent(100))
    broadcasts = await app.svc.broadcasts.recent()
    form = data if token is None else {"csrf": token, **data}
    await browser.post(path, form, csrf=False)
    assert browser.status == 403
    assert "Yêu cầu bị từ chối" in browser.text
    assert len(await app.svc.audit.recent(100)) == audited
    assert await app.svc.broadcasts.recent() == broadcasts
    assert [(r.code, r.status) for r in await app.svc.rounds.all()][:2] == [
        ("2023-Q1", "open"),
        ("2023-Q2", "scheduled"),
    ]
    await browser.get("/quan-tri")
    assert browser.status == 200  # still signed in: the refused sign-out did nothing


async def test_the_token_of_another_session_does_not_do(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    _, other = await browser.site.sessions.open(organiser.user.key, app.svc.now_ms())
    await browser.post("/quan-tri/dot-thi/2023-Q2/mo", {"csrf": other.csrf}, csrf=False)
    assert browser.status == 403
    assert (await app.svc.rounds.get("2023-Q2")).status == "scheduled"  # type: ignore[union-attr]
