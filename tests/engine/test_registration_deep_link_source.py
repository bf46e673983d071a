"""Registration: /start with a deep-link payload is stored as where the participant came from."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_start_payload_is_stored_as_participant_source(app: App, person: Person) -> None:
    await person.send("/start sotttt_facebook")
    assert "Xin chào An" in person.said
    await person.register()
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.source == "sotttt_facebook"


async def test_start_without_payload_stores_empty_source(app: App, person: Person) -> None:
    await person.send("/start")
    await person.register()
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.source == ""


async def test_start_payload_of_a_registered_person_changes_nothing(
    app: App, person: Person
) -> None:
    await person.send("/start first")
    await person.register()
    await person.send("/start second")
    assert "Chào mừng An quay lại" in person.said
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.source == "first"
    assert await app.svc.store.conversation(person.user.key) == {}
