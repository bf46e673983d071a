"""`quizbot run` with Telegram and Zalo both in webhook mode, on one shared port.

The fakes POST updates to the real process. A request to the Zalo path without the secret, or
with a wrong one, is refused and changes nothing. One person on both platforms (the Zalo
account linked with the code the Telegram account gave) is one participant: the day's attempt
taken on Telegram counts on Zalo too, and the ranking has one entry.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from storage.repos.broadcasts import BLOCKED, SENT
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import SECRET_HEADER, FakeZalo
from tests.telegram.process import ROUND_CODE, BotProcess, free_port
from tests.telegram.process import WEBHOOK_PATH as TELEGRAM_PATH
from tests.telegram.scripted import register
from tests.zalo.participant import ZaloParticipant
from tests.zalo.process import ZALO_PATH, running_zalo_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "s3cret-Webhook_token"
TG_TOKEN = "123456:TEST-token"
ORGANISER = 9000


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zl() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TG_TOKEN) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    zl: FakeZalo, tg: FakeTelegram, port: int, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    async with running_zalo_bot(
        zl,
        tmp_path_factory.mktemp("zalo-webhook"),
        mode="webhook",
        secret=SECRET,
        port=port,
        tg=tg,
        admins=(ORGANISER,),
    ) as process:
        yield process


async def test_both_platforms_call_the_one_server_on_their_own_paths(
    zl: FakeZalo, tg: FakeTelegram, bot: BotProcess, port: int
) -> None:
    assert zl.webhook_url == f"http://127.0.0.1:{port}{ZALO_PATH}"
    assert zl.webhook_secret == SECRET
    assert tg.webhook_url == f"http://127.0.0.1:{port}{TELEGRAM_PATH}"
    assert zl.calls("deleteWebhook") == []


async def test_a_zalo_participant_takes_the_quiz_over_the_webhook(
    zl: FakeZalo, bot: BotProcess
) -> None:
    an = ZaloParticipant(zl, zl.user("c0ffee0001", "An"))
    await an.register(name="Lê Văn Cường", phone="0911000001")
    await an.say("thi", "Câu 1/10")
    for n in range(2, 11):
        await an.say("Đáp án: D", f"Câu {n}/10")
    await an.say("4", "Câu hỏi dự đoán")
    await an.say("800", "Số câu đúng")
    assert all(d.status == 200 for d in zl.webhook_responses)
    zl.assert_no_violations()


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET[:-1], SECRET + "x"])
async def test_no_or_a_wrong_secret_is_refused_and_changes_nothing(
    zl: FakeZalo, bot: BotProcess, secret: str | None
) -> None:
    intruder = zl.user("bad0000001", "Kẻ giả mạo")
    before = bot.value("SELECT count(*) FROM accounts")
    for text in ("/start", "đăng ký"):
        payload = {"ok": True, "result": intruder.update("message.text.received", text=text)}
        answer = await zl.post_to_webhook(payload, secret=secret)
        assert answer.status == 401
    # A real message afterwards is answered, and nothing forged was handled before it.
    real = ZaloParticipant(zl, zl.user(f"real{len(secret or '')}x", "Thật"))
    await real.say("lich thi", "Lịch thi")
    assert zl.sent_to(intruder.id) == []
    assert bot.value("SELECT count(*) FROM accounts") == before


async def test_one_person_on_telegram_and_zalo_shares_limits_and_one_ranking_entry(
    zl: FakeZalo, tg: FakeTelegram, bot: BotProcess
) -> None:
    name = "Phạm Thị Dung"
    on_telegram = tg.user(5005, "Dung")
    await register(
        tg, on_telegram, name, "+84933000003", contact=True, birth="1985", locality="Kim Sơn"
    )
    on_telegram.send_text("/thi")
    for n in range(1, 11):
        await tg.wait_for_text(5005, f"Câu {n}/10")
        on_telegram.tap_button("B")
    await tg.wait_for_text(5005, "Câu hỏi dự đoán")
    on_telegram.send_text("900")
    await tg.wait_for_text(5005, "Số câu đúng")

    asked = on_telegram.send_text("/lienket")
    given = await tg.wait_for_text(5005, "Mã liên kết", after=asked["message"]["message_id"])
    code = re.search(r"\d{8}", given.shown)
    assert code is not None
    on_zalo = ZaloParticipant(zl, zl.user("d0d0d0d0d0", "Dung Phạm"))
    await on_zalo.say(f"liên kết {code[0]}", f"Đã liên kết tài khoản này với bài dự thi của {name}")
    await on_zalo.say("thi", "Hôm nay bạn đã thi 1/1 lượt")

    people = bot.rows(
        "SELECT p.id, a.channel FROM participants p JOIN accounts a ON a.participant_id = p.id"
        " WHERE p.phone = ? ORDER BY a.channel",
        "+84933000003",
    )
    assert [channel for _, channel in people] == ["telegram", "zalo"]
    assert people[0][0] == people[1][0]  # one participant behind both accounts
    entries = bot.value(
        "SELECT count(DISTINCT participant_id) FROM attempts WHERE participant_id = ?",
        people[0][0],
    )
    assert entries == 1
    score = await on_zalo.say("điểm", "Kết quả tốt nhất")
    assert "Số lượt đã thi: 1" in score.shown
    printed = await organisers_ranking(bot)
    ranking = printed.split("Người đạt giải")[0]  # the winners' table follows
    assert ranking.count(name) == 1, printed


async def organisers_ranking(bot: BotProcess) -> str:
    """What `quizbot results LIVE` prints for the organisers, from the process's database."""
    return await bot.command("results", ROUND_CODE, "--top", "50")


async def test_an_organisers_broadcast_reaches_zalo_and_marks_who_blocked_the_bot(
    zl: FakeZalo, tg: FakeTelegram, bot: BotProcess
) -> None:
    zl.block("d0d0d0d0d0")  # Dung, registered on both platforms in the test above
    organiser = tg.user(ORGANISER, "Ban Tổ chức")
    organiser.send_text("/admin")
    await tg.wait_for_text(ORGANISER, "Bảng điều khiển")
    organiser.tap_button("📣 Gửi thông báo")
    await tg.wait_for_text(ORGANISER, "nội dung thông báo")
    organiser.send_text("Đợt 2 mở ngày 01/6. Chúc các bạn thi tốt!")
    await tg.wait_for_text(ORGANISER, "Xem trước")
    organiser.tap_button("✅ Gửi")
    await tg.wait_for_text(ORGANISER, "Đã bắt đầu gửi thông báo")

    received = await zl.wait_for_text("c0ffee0001", "Đợt 2 mở ngày 01/6")
    assert received.shown.startswith("📣 Thông báo của Ban Tổ chức")
    await tg.wait_for_text(5005, "Đợt 2 mở ngày 01/6")  # Dung, on Telegram

    def zalo_statuses() -> dict[str, str] | None:
        rows = bot.rows(
            "SELECT channel_user_id, status FROM broadcast_recipients WHERE channel = 'zalo'"
        )
        statuses = dict(rows)
        return statuses if "pending" not in statuses.values() else None

    statuses = await zl.wait_for(zalo_statuses)
    assert statuses["c0ffee0001"] == SENT
    assert statuses["d0d0d0d0d0"] == BLOCKED


@pytest.mark.parametrize("body", [b"not json", b'{"event_name": "message.text.received",', b""])
async def test_a_body_that_is_not_json_is_a_bad_request_said_in_one_log_line(
    zl: FakeZalo, bot: BotProcess, body: bytes
) -> None:
    assert zl.webhook_url is not None
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    status, logged = await bot.post_to_webhook(zl, zl.webhook_url, body, headers)
    assert status == 400
    assert logged.count("a body that is not JSON was refused (400)") == 1, logged
    assert "Traceback" not in logged
    assert "Error handling request" not in logged  # aiohttp's line before a traceback
