"""`quizbot run` polling the fake Telegram server: participants and organisers end to end.

One bot process serves the module (tests use their own user ids); stopping is tested on a
process of its own. Every wait is on something the fake, the log or the database shows, never
on a fixed delay.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import pytest_asyncio

from handlers.texts import Texts, plain
from questions import Bank, Question, write_bank_bytes
from tests.fake_telegram import FakeTelegram, FakeUser, StoredMessage
from tests.support.servers import REDIS_URL, redis_prefix
from tests.telegram.process import ROUND_NAME, TOKEN, BotConfig, BotProcess, running_bot

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.redis]

ADMIN = 9000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXTS = Texts("vi")


def said(key: str, **values: object) -> str:
    """A catalogue text as the participant reads it (markup removed)."""
    return plain(TEXTS(key, **values))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    """The bot process of this module, on SQLite and the real Redis, with one organiser."""
    async with (
        redis_prefix() as (_, prefix),
        running_bot(
            tg,
            tmp_path_factory.mktemp("polling"),
            BotConfig(admins=(ADMIN,), redis=(REDIS_URL, prefix)),
        ) as process,
    ):
        yield process


@pytest.fixture(autouse=True)
def bot_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print what the module's bot logged during a test using it (shown when the test fails)."""
    if "bot" not in request.fixturenames:
        yield
        return
    bot: BotProcess = request.getfixturevalue("bot")
    offset = bot.log_size()
    yield
    print(f"--- quizbot run log during this test ---\n{bot.log_since(offset)}")


# ------------------------------------------------------------------ what participants do


async def register(
    tg: FakeTelegram, user: FakeUser, name: str, phone: str, *, contact: bool
) -> None:
    """Register through the chat; the contact keyboard is there at the phone step only."""
    uid = user.id
    user.send_text("/dangky")
    await tg.wait_for_text(uid, said("register.ask_name"))
    user.send_text(name)
    await tg.wait_for_text(uid, said("register.ask_phone"))
    assert tg.reply_keyboard(uid) == [[said("register.share_contact")]]
    if contact:
        user.send_contact(phone)
    else:
        user.send_text(phone)
    await tg.wait_for_text(uid, said("register.ask_birth"))
    assert tg.reply_keyboard(uid) == [], "the contact keyboard stays after the phone step"
    user.send_text("1990")
    await tg.wait_for_text(uid, said("register.ask_locality"))
    user.tap_button("Hoa Lư")
    await tg.wait_for_text(uid, said("register.ask_unit"))
    user.tap_button(said("register.resident"))
    await tg.wait_for_text(uid, "6/6.")
    user.tap_button(said("register.button_agree"))
    await tg.wait_for_text(uid, "Bạn kiểm tra lại thông tin")
    user.tap_button(said("register.button_confirm"))
    await tg.wait_for_text(uid, "Đăng ký thành công")


async def register_all(tg: FakeTelegram, people: dict[int, str]) -> list[FakeUser]:
    """Register several people at once (phones made from their ids)."""
    users = [tg.user(uid, name.split()[-1], last_name=None) for uid, name in people.items()]
    await asyncio.gather(
        *(
            register(tg, u, name, f"09{u.id:08d}", contact=i % 2 == 0)
            for i, (u, name) in enumerate(zip(users, people.values(), strict=True))
        )
    )
    return users


def question_shown(n: int) -> str:
    """How question n of 10 starts (the answered form of it reads differently)."""
    return f"Câu {n}/10 · "


def callback_queries(tg: FakeTelegram, *user_ids: int) -> set[str]:
    """Ids of every button press these users made."""
    return {
        u["callback_query"]["id"]
        for u in tg.updates.values()
        if "callback_query" in u and u["callback_query"]["from"]["id"] in user_ids
    }


def copies(tg: FakeTelegram, chat_id: int, text: str) -> int:
    """How many bot messages in a chat contain `text`."""
    return sum(text in m.shown for m in tg.sent_to(chat_id))


def sent_calls(tg: FakeTelegram, method: str, chat_id: int) -> list[Any]:
    """The bot's calls of `method` to one chat, in order."""
    return [c for c in tg.calls(method) if str(c.params.get("chat_id")) == str(chat_id)]


# ------------------------------------------------------------------ what organisers do


async def admin_says(tg: FakeTelegram, text: str, expect: str) -> StoredMessage:
    """The organiser sends a line and gets a new message containing `expect`."""
    sent = tg.user(ADMIN, "Ban Tổ chức").send_text(text)
    return await tg.wait_for_text(ADMIN, expect, after=sent["message"]["message_id"])


async def admin_taps(tg: FakeTelegram, label: str, expect: str) -> StoredMessage:
    """The organiser taps a button and gets a new message containing `expect`."""
    before = max((m.message_id for m in tg.chat(ADMIN)), default=0)
    tg.user(ADMIN).tap_button(label)
    return await tg.wait_for_text(ADMIN, expect, after=before)


async def preview_broadcast(tg: FakeTelegram, text: str) -> StoredMessage:
    """/admin → 📣 → the text: the preview, with its recipient count and buttons."""
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_broadcast"), said("admin.broadcast_ask"))
    return await admin_says(tg, text, "Xem trước")


async def start_broadcast(tg: FakeTelegram, bot: BotProcess, text: str) -> int:
    """Start an announcement through /admin (preview, then send); returns its id."""
    audience = bot.value("SELECT count(*) FROM accounts WHERE blocked_at IS NULL")
    preview = await preview_broadcast(tg, text)
    assert f"thông báo sẽ gửi tới {audience} người" in preview.shown
    assert text in preview.shown
    await admin_taps(tg, said("admin.button_send"), "Đã bắt đầu gửi thông báo")
    broadcast_id = int(bot.value("SELECT max(id) FROM broadcasts"))
    assert text in plain(bot.value("SELECT text FROM broadcasts WHERE id = ?", broadcast_id))
    return broadcast_id


async def broadcast_done(tg: FakeTelegram, bot: BotProcess, broadcast_id: int) -> None:
    """Wait until every recipient of a broadcast has been dealt with."""
    await tg.wait_for(
        lambda: bot.value("SELECT status FROM broadcasts WHERE id = ?", broadcast_id) == "done",
        15,
    )


async def broadcast(tg: FakeTelegram, bot: BotProcess, text: str) -> int:
    """Send an announcement through /admin; returns its id once every recipient is done."""
    broadcast_id = await start_broadcast(tg, bot, text)
    await broadcast_done(tg, bot, broadcast_id)
    return broadcast_id


def recipients(bot: BotProcess, broadcast_id: int) -> dict[int, str]:
    """Telegram user id -> what happened to that recipient."""
    rows = bot.rows(
        "SELECT channel_user_id, status FROM broadcast_recipients WHERE broadcast_id = ?",
        broadcast_id,
    )
    return {int(uid): status for uid, status in rows}


def new_bank(title: str, *, bad_row: int | None = None) -> bytes:
    """An XLSX bank of 12 questions whose texts say which bank they come from."""
    questions = [
        Question(
            f"{title}, câu số {i + 1}: năm nào tỉnh triển khai nội dung thứ {i + 1}?",
            (f"Năm {2020 + i}", f"Năm {2030 + i}", f"Năm {2040 + i}", f"Năm {2050 + i}"),
            i % 4,
            source="Kế hoạch thử nghiệm",
        )
        for i in range(12)
    ]
    if bad_row is not None:
        # Row 1 holds the headers: question i is on row i + 2.
        questions[bad_row - 2] = Question("Câu hỏi có hai phương án giống nhau?", ("Có", "Có"), 0)
    return write_bank_bytes(Bank(name=title, title=title, questions=questions), "bank.xlsx")


# ------------------------------------------------------------------ tests


async def test_two_participants_register_and_finish_interleaved_attempts(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    an, binh = tg.user(1001, "An"), tg.user(1002, "Bình")
    an.send_text("/start")
    await tg.wait_for_text(1001, "Xin chào An")
    await asyncio.gather(
        register(tg, an, "Nguyễn Văn An", "+84912000001", contact=True),
        register(tg, binh, "Trần Thị Bình", "0912 000 002", contact=False),
    )

    an.send_text("/thi")
    binh.send_text("/thi")
    for n in range(1, 11):
        for user in (an, binh):
            await tg.wait_for_text(user.id, question_shown(n))
            user.tap_button("A" if user is an else "B")
    for user in (an, binh):
        await tg.wait_for_text(user.id, "Câu hỏi dự đoán")
        user.send_text("120")
    for user in (an, binh):
        result = await tg.wait_for_text(user.id, "Số câu đúng")
        assert "Dự đoán của bạn: 120" in result.shown

    assert bot.rows(
        "SELECT c.channel_user_id, a.total, a.prediction FROM attempts a"
        " JOIN accounts c ON c.participant_id = a.participant_id"
        " WHERE c.channel_user_id IN ('1001', '1002') ORDER BY c.channel_user_id"
    ) == [("1001", 10, 120), ("1002", 10, 120)]
    assert bot.rows(
        "SELECT phone FROM participants p JOIN accounts c ON c.participant_id = p.id"
        " WHERE c.channel_user_id IN ('1001', '1002') ORDER BY c.channel_user_id"
    ) == [("+84912000001",), ("+84912000002",)]
    assert tg.commands() == [
        ("start", "Bắt đầu"),
        ("dangky", "Đăng ký dự thi"),
        ("thi", "Vào thi"),
        ("diem", "Xem kết quả của tôi"),
        ("lichthi", "Lịch thi"),
        ("thele", "Thể lệ cuộc thi"),
        ("huongdan", "Hướng dẫn"),
        ("huy", "Huỷ thao tác đang làm"),
    ]
    pressed = callback_queries(tg, 1001, 1002)
    assert len(pressed) == 2 * (4 + 10)
    await tg.wait_for(lambda: pressed <= tg.callback_answers.keys())
    tg.assert_no_violations()


async def test_organiser_sees_figures_and_a_broadcast_reaches_everyone_once(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    people = await register_all(
        tg, {2001: "Lê Văn Cường", 2002: "Phạm Thị Dung", 2003: "Hoàng Văn Em"}
    )

    panel = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    registered = bot.value("SELECT count(*) FROM participants")
    assert f"Đợt đang mở: {ROUND_NAME}" in panel.shown
    assert f"Người đã đăng ký: {registered}" in panel.shown
    assert f"• Hoa Lư: {registered}" in panel.shown

    # Typed by an organiser: characters that mean something in HTML arrive as typed.
    text = "Đợt thử nghiệm kéo dài thêm 2 ngày: giải <Nhất> & giải Nhì > 5 triệu."
    broadcast_id = await broadcast(tg, bot, text)

    got = recipients(bot, broadcast_id)
    assert {u.id for u in people} <= got.keys()
    assert set(got.values()) == {"sent"}
    for uid in got:
        assert copies(tg, uid, text) == 1, f"user {uid} got the announcement not exactly once"
    assert copies(tg, ADMIN, "Thông báo của Ban Tổ chức") == 1  # the preview only
    panel = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    assert f"#{broadcast_id}: đã gửi {len(got)}, lỗi 0, còn lại 0 (đã xong)" in panel.shown
    tg.assert_no_violations()


async def test_a_blocked_participant_is_marked_and_skipped_and_the_others_get_the_broadcast(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    await register_all(tg, {6001: "Đỗ Văn Giang", 6002: "Vũ Thị Hà", 6003: "Bùi Văn Khánh"})
    tg.block(6002)

    text = "Thông báo thứ hai: lịch trao giải."
    broadcast_id = await broadcast(tg, bot, text)

    got = recipients(bot, broadcast_id)
    assert got[6002] == "blocked"
    assert got[6001] == got[6003] == "sent"
    assert copies(tg, 6001, text) == copies(tg, 6003, text) == 1
    assert copies(tg, 6002, text) == 0
    assert bot.value("SELECT blocked_at FROM accounts WHERE channel_user_id = '6002'") is not None
    sent = sum(status == "sent" for status in got.values())
    panel = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    assert f"#{broadcast_id}: đã gửi {sent}, lỗi 1, còn lại 0 (đã xong)" in panel.shown

    # The next broadcast leaves the blocked account out from the start.
    preview = await preview_broadcast(tg, "Một thông báo sẽ huỷ.")
    assert f"thông báo sẽ gửi tới {len(got) - 1} người" in preview.shown
    await admin_taps(tg, said("admin.button_cancel"), said("admin.cancelled"))
    tg.assert_no_violations()


async def test_a_participant_who_unblocks_the_bot_and_writes_again_gets_later_broadcasts(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    (user,) = await register_all(tg, {6011: "Lý Thị Mai"})
    tg.block(6011)
    text = "Thông báo khi người thi đang chặn bot."
    assert recipients(bot, await broadcast(tg, bot, text))[6011] == "blocked"

    tg.unblock(6011)
    sent = user.send_text("/huongdan")
    await tg.wait_for_text(6011, "Hướng dẫn", after=sent["message"]["message_id"])
    assert bot.value("SELECT blocked_at FROM accounts WHERE channel_user_id = '6011'") is None
    text = "Thông báo sau khi người thi bỏ chặn."
    got = recipients(bot, await broadcast(tg, bot, text))
    assert got[6011] == "sent"
    assert copies(tg, 6011, text) == 1
    tg.assert_no_violations()


async def test_organiser_uploads_a_bank_and_the_next_quiz_draws_from_it(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    (taker,) = await register_all(tg, {2011: "Ngô Thị Lan"})
    admin = tg.user(ADMIN, "Ban Tổ chức")
    sent = admin.send_document("ngan-hang-moi.xlsx", new_bank("Ngân hàng mới"), XLSX_TYPE)

    preview = await tg.wait_for_text(ADMIN, "hợp lệ", after=sent["message"]["message_id"])
    assert "Tệp ngan-hang-moi.xlsx hợp lệ: 12 câu hỏi" in preview.shown
    await admin_taps(
        tg, said("admin.button_replace"), "Đã thay ngân hàng câu hỏi: 12 câu từ tệp ngan-hang-moi"
    )
    assert bot.rows("SELECT bank, count(*) FROM questions WHERE active GROUP BY bank") == [
        ("ngan-hang-moi", 12)
    ]

    taker.send_text("/thi")
    first = await tg.wait_for_text(taker.id, question_shown(1))
    assert "Ngân hàng mới, câu số" in first.shown
    tg.assert_no_violations()


async def test_a_bank_with_one_bad_row_lists_it_and_imports_nothing(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    active = "SELECT bank, count(*) FROM questions WHERE active GROUP BY bank"
    before = (bot.rows(active), bot.value("SELECT count(*) FROM questions"))
    admin = tg.user(ADMIN, "Ban Tổ chức")
    sent = admin.send_document("ngan-hang-loi.xlsx", new_bank("Lỗi", bad_row=6), XLSX_TYPE)

    refused = await tg.wait_for_text(
        ADMIN, "chưa nhập câu nào", after=sent["message"]["message_id"]
    )
    assert "Tệp ngan-hang-loi.xlsx có 1 lỗi" in refused.shown
    assert "ngan-hang-loi.xlsx, dòng 6: phương án B bị trùng" in refused.shown
    assert refused.labels == []
    assert (bot.rows(active), bot.value("SELECT count(*) FROM questions")) == before
    tg.assert_no_violations()


async def test_someone_not_an_organiser_gets_no_admin_panel_and_cannot_upload(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    stranger = tg.user(2090, "Khách")
    sent = stranger.send_text("/admin")
    await tg.wait_for_text(2090, said("help.unknown_command"), after=sent["message"]["message_id"])
    downloads = len(tg.downloads)
    sent = stranger.send_document("ngan-hang.xlsx", new_bank("Lạ"), XLSX_TYPE)
    await tg.wait_for_text(2090, said("help.unsupported"), after=sent["message"]["message_id"])

    assert tg.downloads[downloads:] == [], "the bot downloaded a stranger's file"
    assert not any("Bảng điều khiển" in m.shown for m in tg.sent_to(2090))
    tg.assert_no_violations()


async def test_organiser_downloads_the_internal_results_workbook(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_results"), said("admin.results_pick"))
    await admin_taps(tg, ROUND_NAME, "chọn bản cần tải")
    doc = await admin_taps(tg, said("admin.button_full"), "bản nội bộ")

    assert doc.method == "sendDocument"
    assert doc.document is not None
    assert doc.document.filename is not None
    assert doc.document.filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(doc.document.data), read_only=True)
    try:
        assert "Xếp hạng" in book.sheetnames
    finally:
        book.close()
    tg.assert_no_violations()


async def test_a_reply_is_retried_after_a_server_error_and_after_429(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    user = tg.user(4001, "Minh")
    tg.fail_next("sendMessage", 502)
    sent = user.send_text("/huongdan")
    await tg.wait_for_text(4001, "Hướng dẫn", after=sent["message"]["message_id"])
    assert [c.status for c in sent_calls(tg, "sendMessage", 4001)] == [502, 200]

    tg.fail_next("sendMessage", 429, retry_after=1)
    sent = user.send_text("/lichthi")
    await tg.wait_for_text(4001, "Lịch thi", after=sent["message"]["message_id"])
    refused, accepted = sent_calls(tg, "sendMessage", 4001)[-2:]
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.time - refused.time >= 1.0, "the bot did not wait retry_after"
    assert copies(tg, 4001, "Lịch thi") == 1
    tg.assert_no_violations()


async def test_a_restart_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    async with redis_prefix() as (_, prefix), FakeTelegram(TOKEN) as tg:
        # Two processes in turn on one database and one Redis prefix, as in a redeploy.
        config = BotConfig(admins=(ADMIN,), redis=(REDIS_URL, prefix), broadcast_rate=1)
        people = {8001: "Trịnh Văn Phúc", 8002: "Mai Thị Quyên", 8003: "Tạ Văn Sang"}
        text = "Thông báo gửi dở khi bot khởi động lại."
        async with running_bot(tg, tmp_path, config) as first:
            try:
                phuc, *_ = await register_all(tg, people)
                visitor = tg.user(8009, "Khách")
                phuc.send_text("/thi")
                for n in range(1, 4):
                    await tg.wait_for_text(phuc.id, question_shown(n))
                    phuc.tap_button("A")
                await tg.wait_for_text(phuc.id, question_shown(4))
                # One message a second: once the first recipient has it, the next send is a
                # second away, and a reply refused with a 429 waits a second too.
                broadcast_id = await start_broadcast(tg, first, text)
                await tg.wait_for(lambda: any(copies(tg, uid, text) for uid in people))
                tg.fail_next("sendMessage", 429, retry_after=1)
                asked = visitor.send_text("/huongdan")
                await tg.wait_for(lambda: sent_calls(tg, "sendMessage", visitor.id))
                assert await first.stop() == 0
            finally:
                print(f"--- quizbot run log (both processes) ---\n{first.log}")

        # The reply being sent when SIGTERM came went out before the process exited.
        assert [c.status for c in sent_calls(tg, "sendMessage", visitor.id)] == [429, 200]
        assert copies(tg, visitor.id, "Hướng dẫn") == 1
        assert f"Update id={asked['update_id']} is handled" in first.log
        # The broadcast stopped between two recipients.
        assert first.value("SELECT status FROM broadcasts WHERE id = ?", broadcast_id) == "sending"
        assert "pending" in recipients(first, broadcast_id).values()

        async with running_bot(tg, tmp_path, config) as second:
            await broadcast_done(tg, second, broadcast_id)
            assert set(recipients(second, broadcast_id).values()) == {"sent"}
            for uid in people:
                assert copies(tg, uid, text) == 1, f"user {uid} got the announcement not once"

            phuc.tap_button("A")  # question 4, shown by the first process
            for n in range(5, 11):
                await tg.wait_for_text(phuc.id, question_shown(n))
                phuc.tap_button("A")
            await tg.wait_for_text(phuc.id, "Câu hỏi dự đoán")
            phuc.send_text("300")
            await tg.wait_for_text(phuc.id, "Số câu đúng")
            assert second.rows(
                "SELECT a.total, a.prediction FROM attempts a"
                " JOIN accounts c ON c.participant_id = a.participant_id"
                " WHERE c.channel_user_id = '8001'"
            ) == [(10, 300)]
            assert copies(tg, phuc.id, "Câu 1/10") == 1, "the attempt started over"
        tg.assert_no_violations()
