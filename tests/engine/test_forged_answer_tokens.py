"""Forged answer buttons change nothing and get a short notice, never an error."""

from __future__ import annotations

import pytest

from bot.app import App
from handlers.events import Message, Notice
from storage.session import LiveAttempt
from tests.support.client import Person

EXPIRED = "Nút này không còn hiệu lực."


async def _started(person: Person) -> LiveAttempt:
    await person.register()
    await person.send("/thi")
    await person.answer(right=True)  # now at question 2 (index 1)
    live = await person.live()
    assert live is not None
    return live


async def _assert_nothing_changed(person: Person, before: LiveAttempt) -> None:
    assert await person.live() == before
    assert not any(isinstance(r, Message) for r in person.replies), person.said
    assert "sự cố" not in person.said


@pytest.mark.parametrize(
    "forge",
    [
        lambda code: f"a:{code}:1:4",  # a fifth option where there are four
        lambda code: f"a:{code}:1:9",
        lambda code: f"a:{code}:1:10",
        lambda code: f"a:{code}:1:-1",
        lambda code: f"a:{code}:10:0",  # past the last question
        lambda code: f"a:{code}:999:0",
        lambda code: f"a:{code}:1234:0",
        lambda code: f"a:{code}:5:0",  # a later question than the current one
        lambda code: f"a:{code}:2:0",
        lambda code: f"a:{code}:²:0",  # digits int() does not take
        lambda code: f"a:{code}:1:²",
        lambda code: f"a:{code}:١:0",  # Arabic-Indic digit one
        lambda code: f"a:{code}:1: 0",
        lambda code: f"a:{code}:1:0:0",
        lambda code: f"a:{code}:1",
        lambda code: f"a:{code}x:1:0",
        lambda code: "a:" + "x" * 70,  # over Telegram's 64 bytes
        lambda code: f"a:{code}:1:0" + "0" * 60,
        lambda code: "a:garbage",
        lambda code: "a:",
        lambda code: "garbage",
        lambda code: "",
        lambda code: "💥" * 20,
    ],
)
async def test_forged_token_changes_nothing_and_gets_a_notice(
    app: App, person: Person, forge: object
) -> None:
    before = await _started(person)
    assert callable(forge)
    await person.tap_token(forge(before.code))
    assert person.notices() == [EXPIRED]
    await _assert_nothing_changed(person, before)


async def test_token_with_another_participants_attempt_code_changes_nothing(
    app: App, person: Person
) -> None:
    mine = await _started(person)
    other = Person.on(app, "zalo", "z9", "Bình")
    await other.register(name="Trần Văn Bình", phone="0987654321", typed_phone=True)
    theirs = await other.start_attempt()

    for token in (f"a:{theirs.code}:0:0", f"a:{theirs.code}:1:0", f"a:{mine.code.upper()}:1:0"):
        await person.tap_token(token)
        # Not "the attempt has ended": theirs goes on, and so does this person's own.
        assert person.replies == [Notice(EXPIRED)]
        await _assert_nothing_changed(person, mine)
    assert await other.live() == theirs


async def _binh_at_question_1(app: App) -> tuple[Person, Message]:
    binh = Person.on(app, "telegram", "2002", "Bình")
    await binh.register(name="Trần Văn Bình", phone="0987654321")
    await binh.send("/thi")
    return binh, binh.last_question()


async def test_someone_elses_answer_button_is_not_current_whether_or_not_an_attempt_is_going_on(
    app: App, person: Person
) -> None:
    binh, question = await _binh_at_question_1(app)
    theirs = await binh.live()
    await person.register()

    # No attempt of An's going on: not the "technical problem" apology.
    await person.tap_token(question.buttons[0][1].token)
    assert person.replies == [Notice(EXPIRED)]
    # An mid-quiz: not "this attempt has ended" while An's attempt goes on.
    mine = await person.start_attempt()
    await person.tap_token(question.buttons[0][2].token)
    assert person.replies == [Notice(EXPIRED)]
    assert await person.live() == mine
    assert await binh.live() == theirs


@pytest.mark.parametrize(
    "made_up",
    [
        "a:zzzzzzzzzz:0:1",  # the shape before buttons named the participant
        "a:999:zzzzzzzzzz:0:1",  # naming a participant who does not exist
        "a:1:zzzzzzzzzz:0:1",  # naming someone else (An is participant 2 here)
    ],
)
async def test_a_made_up_answer_button_is_not_current_with_or_without_an_attempt(
    app: App, person: Person, made_up: str
) -> None:
    await _binh_at_question_1(app)  # participant 1
    await person.register()
    await person.tap_token(made_up)
    assert person.replies == [Notice(EXPIRED)]
    mine = await person.start_attempt()
    await person.tap_token(made_up)
    assert person.replies == [Notice(EXPIRED)]
    assert await person.live() == mine


async def test_answer_token_from_someone_not_registered_changes_nothing(
    app: App, person: Person
) -> None:
    live = await _started(person)
    stranger = Person.on(app, "telegram", "666", "Lạ")
    await stranger.tap_token(f"a:{live.code}:1:0")
    assert stranger.notices() == [EXPIRED]
    assert await person.live() == live


async def test_unknown_button_outside_any_flow_gets_a_notice(app: App, person: Person) -> None:
    await person.tap_token("x:unknown")
    assert person.notices() == [EXPIRED]
    await person.tap_token("r:confirm")
    assert person.notices() == [EXPIRED]
    assert await app.svc.participants.count() == 0
