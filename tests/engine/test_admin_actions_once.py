"""An organiser's action is taken once, whatever the taps.

The organiser taps the same confirmation button twice at the same moment (two taps handled
concurrently by one bot, or one tap reaching each of two bots that share Redis and
PostgreSQL): the announcement is created once, the round opened or closed once, the bank
replaced once, the results file handed out once, each audited once. The other tap gets
"Thao tác này đã được thực hiện." and nothing else, as does a tap on the same button later.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers.events import Choice, Document, Message, Notice, Reply, Upload
from handlers.texts import plain
from storage.repos.broadcasts import BroadcastStatus
from tests.faults.support import copy_of_template, open_bot, sqlite_settings
from tests.support.banks import use_own_bank
from tests.support.client import Person
from tests.support.servers import REDIS_URL, postgres_database, redis_prefix
from tests.telegram.scripted import new_bank

ORGANISER = "telegram:9000"
ALREADY = "Thao tác này đã được thực hiện."
EXPIRED = "Nút này không còn hiệu lực."


@dataclass
class Bots:
    """The bot each of the two taps reaches (the same one, or two sharing the stores)."""

    one: App
    two: App


@pytest.fixture(
    params=[
        pytest.param("memory", id="one-bot-in-process-store"),
        pytest.param("redis", id="one-bot-real-redis", marks=pytest.mark.redis),
        pytest.param(
            "two", id="two-bots-redis-postgres", marks=[pytest.mark.redis, pytest.mark.postgres]
        ),
    ]
)
async def bots(
    request: pytest.FixtureRequest, tmp_path: Path, template_db: Path, clock: ManualClock
) -> AsyncIterator[Bots]:
    settings = sqlite_settings(tmp_path / "quizbot.db")
    if request.param == "memory":
        await copy_of_template(template_db, settings)
        async with open_bot(settings, clock) as app:
            yield _organised(app, app)
        return
    async with redis_prefix() as (_, prefix):
        settings = settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
        if request.param == "redis":
            await copy_of_template(template_db, settings)
            async with open_bot(settings, clock) as app:
                yield _organised(app, app)
            return
        async with postgres_database() as url:
            shared = settings.model_copy(update={"database_url": url})
            async with (
                open_bot(shared, clock, seed=1) as one,
                open_bot(shared, clock, seed=2) as two,
            ):
                yield _organised(one, two)


def _organised(one: App, two: App) -> Bots:
    for app in (one, two):
        app.svc.admins = frozenset({ORGANISER})
    return Bots(one, two)


@pytest.fixture
def organiser(bots: Bots) -> Person:
    return Person.on(bots.one, "telegram", "9000", "Ban Tổ chức")


def token_of(person: Person, label: str) -> str:
    for reply in reversed(person.history):
        if isinstance(reply, Message):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return button.token
    raise AssertionError(f"no button {label!r}")


async def tap_twice_at_once(bots: Bots, person: Person, label: str) -> list[Reply]:
    """Two taps on one button at the same moment; the replies of the one that acted.

    The other tap must have got the notice and nothing else.
    """
    tap = Choice(person.user, token_of(person, label), ref="panel")
    outcomes = await asyncio.gather(bots.one.engine.handle(tap), bots.two.engine.handle(tap))
    assert outcomes.count([Notice(ALREADY)]) == 1, outcomes
    (acted,) = [r for r in outcomes if r != [Notice(ALREADY)]]
    return acted


async def preview_broadcast(organiser: Person, text: str) -> None:
    """/admin → 📣 → the text: the preview with its Send and Cancel buttons."""
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")
    await organiser.send(text)
    assert "Xem trước" in organiser.said


async def actions(app: App, action: str) -> int:
    """How many times the organiser's account did `action`, by the audit log."""
    entries = await app.svc.audit.recent(200)
    return sum(e.action == action and e.actor == ORGANISER for e in entries)


async def typed(app: App) -> list[BroadcastStatus]:
    """The organisers' own broadcasts (the calendar's announcements carry a key)."""
    return [b for b in await app.svc.broadcasts.recent(10) if b.key is None]


async def _asked_to_close_quy_1(bots: Bots, organiser: Person) -> None:
    """An takes part in Quý 1; the organiser picks it to close and is asked to confirm."""
    an = Person.on(bots.one, "telegram", "1001", "An")
    await an.register()
    await an.take_attempt(correct=8)
    await organiser.send("/admin")
    await organiser.tap("🔒 Đóng đợt thi")
    await organiser.tap("Quý 1")


def said(replies: list[Reply]) -> str:
    return "\n".join(plain(r.text) for r in replies if isinstance(r, Message | Notice))


async def test_a_double_tap_on_send_starts_one_broadcast(bots: Bots, organiser: Person) -> None:
    for uid, name in (("1001", "An"), ("1002", "Bình")):
        await Person.on(bots.one, "telegram", uid, name).register(phone=f"09120000{uid[-2:]}")
    await preview_broadcast(organiser, "Lễ trao giải Quý 1 tổ chức sáng thứ Bảy.")
    assert "thông báo sẽ gửi tới 2 người" in organiser.said

    acted = await tap_twice_at_once(bots, organiser, "✅ Gửi")

    assert "Đã bắt đầu gửi thông báo" in said(acted)
    (broadcast,) = await typed(bots.one)
    assert broadcast.recipients == 2
    assert await actions(bots.one, "broadcast.start") == 1
    # Later, the same button again: the same notice, still one broadcast.
    await organiser.tap("✅ Gửi")
    assert organiser.replies == [Notice(ALREADY)]
    assert len(await typed(bots.two)) == 1


async def test_a_double_tap_on_closing_closes_once_without_an_apology(
    bots: Bots, organiser: Person
) -> None:
    await _asked_to_close_quy_1(bots, organiser)

    acted = await tap_twice_at_once(bots, organiser, "✅ Đồng ý")

    assert "Đã đóng Quý 1. Số người tham gia: 1. Số giải tạm tính: 1." in said(acted)
    # The organisers are asked to review in one delivery, whatever the taps.
    assert [r for r in acted if isinstance(r, Document)] == []
    assert [b.key for b in await bots.two.svc.broadcasts.recent(10)].count("review:2023-Q1") == 1
    assert "sự cố" not in said(acted)
    assert await actions(bots.one, "round.close") == 1
    assert await actions(bots.one, "round.winners") == 1
    assert len(await bots.two.svc.winners.of_round("2023-Q1")) == 1


async def test_a_double_tap_on_approving_approves_and_announces_once(
    bots: Bots, organiser: Person
) -> None:
    await _asked_to_close_quy_1(bots, organiser)
    await organiser.tap("✅ Đồng ý")
    await organiser.send("/admin")
    await organiser.tap("⚖️ Xét duyệt kết quả")
    await organiser.tap("Quý 1")
    await organiser.tap("✅ Phê duyệt kết quả")

    acted = await tap_twice_at_once(bots, organiser, "✅ Phê duyệt và công bố")

    assert "Đã phê duyệt kết quả Quý 1." in said(acted)
    assert await actions(bots.one, "round.approve") == 1
    keys = [b.key for b in await bots.two.svc.broadcasts.recent(20)]
    for key in ("winners-personal:2023-Q1", "winners:2023-Q1", "results-file:2023-Q1"):
        assert keys.count(key) == 1, key


async def test_a_double_tap_on_opening_opens_once(bots: Bots, organiser: Person) -> None:
    await use_own_bank(bots.one)
    await organiser.send("/admin")
    await organiser.tap("🔓 Mở đợt thi")
    await organiser.tap("Quý 2")

    acted = await tap_twice_at_once(bots, organiser, "✅ Đồng ý")

    assert "Đã mở Quý 2." in said(acted)
    assert await actions(bots.one, "round.open") == 1
    rnd = await bots.two.svc.rounds.get("2023-Q2")
    assert rnd is not None
    assert rnd.status == "open"


async def test_a_double_tap_on_replacing_the_bank_imports_it_once(
    bots: Bots, organiser: Person
) -> None:
    data = new_bank("Ngân hàng mới")
    await organiser.event(Upload(organiser.user, "ngan-hang-moi.xlsx", data, size=len(data)))
    assert "hợp lệ: 12 câu hỏi" in organiser.said

    acted = await tap_twice_at_once(bots, organiser, "✅ Thay ngân hàng")

    assert "Đã thay ngân hàng câu hỏi: 12 câu" in said(acted)
    assert await actions(bots.one, "questions.import") == 1
    assert (await bots.two.svc.questions.active_bank() or ("", 0))[:2] == ("ngan-hang-moi", 12)


async def test_a_double_tap_on_a_results_file_sends_it_once(bots: Bots, organiser: Person) -> None:
    await organiser.send("/admin")
    await organiser.tap("📊 Tải kết quả")
    await organiser.tap("Quý 1")

    acted = await tap_twice_at_once(bots, organiser, "Bản nội bộ (đủ số điện thoại)")

    assert [r.filename for r in acted if isinstance(r, Document)] == ["ket-qua-2023-Q1-noi-bo.xlsx"]
    assert await actions(bots.one, "results.download") == 1


async def test_send_and_cancel_tapped_together_do_one_of_them(
    bots: Bots, organiser: Person
) -> None:
    await preview_broadcast(organiser, "Thông báo có thể bị huỷ.")
    send = Choice(organiser.user, token_of(organiser, "✅ Gửi"), ref="preview")
    cancel = Choice(organiser.user, token_of(organiser, "Huỷ"), ref="preview")

    outcomes = await asyncio.gather(bots.one.engine.handle(send), bots.two.engine.handle(cancel))

    assert outcomes.count([Notice(ALREADY)]) == 1, outcomes
    started = len(await typed(bots.one))
    cancelled = any("Đã huỷ." in said(r) for r in outcomes)
    assert (started, cancelled) in {(1, False), (0, True)}, outcomes


async def test_a_newer_preview_retires_the_buttons_of_the_earlier_one(
    bots: Bots, organiser: Person
) -> None:
    await preview_broadcast(organiser, "Bản nháp có lỗi chính tả.")
    draft = Choice(organiser.user, token_of(organiser, "✅ Gửi"), ref="draft")
    await organiser.send("Bản đã sửa lỗi chính tả.")

    await organiser.event(draft)

    # The draft's buttons give way to a line saying the step is over.
    assert organiser.notices() == [EXPIRED]
    (gone,) = organiser.messages()
    assert (gone.replace, gone.buttons) == ("draft", ())
    assert "không còn hiệu lực" in gone.text
    assert await typed(bots.one) == []
    await organiser.tap("✅ Gửi")
    (broadcast,) = await typed(bots.one)
    assert "Bản đã sửa lỗi chính tả." in broadcast.text
