"""`quizbot run` polling the fake Zalo server: a participant registers and takes the quiz.

One bot process serves the module (tests use their own user ids). Every wait is on something
the fake shows, never on a fixed delay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.fake_zalo import FakeZalo
from tests.telegram.process import BotProcess
from tests.zalo.participant import ZaloParticipant
from tests.zalo.process import running_zalo_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zl() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(zl: FakeZalo, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    async with running_zalo_bot(zl, tmp_path_factory.mktemp("zalo-polling")) as process:
        yield process


async def test_the_bot_checks_its_token_and_leaves_webhook_mode(
    zl: FakeZalo, bot: BotProcess
) -> None:
    assert zl.calls("getMe")
    assert zl.calls("deleteWebhook")
    assert zl.webhook_url is None
    assert zl.token.partition(":")[2] not in bot.log


async def test_a_participant_registers_by_typing_and_finishes_an_attempt(
    zl: FakeZalo, bot: BotProcess
) -> None:
    an = ZaloParticipant(zl, zl.user("7d1e0c9a55", "An Nguyễn"))
    await an.say("start", "Xin chào")
    await an.register(name="Nguyễn Văn An", phone="0912345678")
    await an.say("thi", "Câu 1/10")
    for n in range(2, 11):
        await an.say("đáp án a" if n % 2 else "B", f"Câu {n}/10")
    await an.say("c", "Câu hỏi dự đoán")
    result = await an.say("1500", "Số câu đúng")
    assert "/10" in result.shown
    registered = (
        "SELECT a.channel, p.phone FROM accounts a JOIN participants p ON p.id = a.participant_id"
    )
    assert ("zalo", "+84912345678") in bot.rows(registered)
    assert bot.value("SELECT count(*) FROM attempts") == 1
    assert "0912345678" not in bot.log  # phones stay out of the log
    zl.assert_no_violations()


async def test_a_sticker_and_junk_mid_question_change_nothing(
    zl: FakeZalo, bot: BotProcess
) -> None:
    binh = ZaloParticipant(zl, zl.user("b1b2b3b4b5", "Bình"))
    await binh.register(name="Trần Thị Bình", phone="0987654321")
    await binh.say("/thi", "Câu 1/10")
    seq = zl.last_seq()
    binh.user.send_sticker()
    await zl.wait_for_text(binh.id, "chỉ nhận tin nhắn chữ", after=seq)
    await binh.say("không biết", "Mình chưa hiểu câu trả lời này")
    await binh.say("A", "Câu 2/10")
