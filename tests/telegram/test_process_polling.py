"""`quizbot run` polling the fake Telegram server: participants and organisers end to end.

One bot process serves the module (tests use their own user ids); stopping is tested on a
process of its own. Every wait is on something the fake, the log or the database shows, never
on a fixed delay.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest
import pytest_asyncio

from tests.fake_telegram import FakeTelegram
from tests.support.servers import REDIS_URL, redis_prefix
from tests.telegram.process import ROUND_NAME, TOKEN, BotConfig, BotProcess, running_bot
from tests.telegram.scripted import (
    ADMIN,
    admin_says,
    admin_taps,
    broadcast,
    broadcast_done,
    callback_queries,
    copies,
    new_bank,
    preview_broadcast,
    question_shown,
    recipients,
    register,
    register_all,
    said,
    sent_calls,
    start_broadcast,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.redis]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        ("thithu", "Thi thử, không tính điểm"),
        ("diem", "Xem kết quả của tôi"),
        ("lichthi", "Lịch thi"),
        ("thele", "Thể lệ cuộc thi"),
        ("lienket", "Liên kết tài khoản Telegram và Zalo"),
        ("dulieu", "Dữ liệu của tôi"),
        ("xoadulieu", "Rút lại đồng ý, xoá dữ liệu của tôi"),
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
    assert (
        f"#{broadcast_id} «Đợt thử nghiệm kéo dài thêm 2 ngày:…» · tới tất cả:"
        f" đã gửi {len(got)}, lỗi 0, còn lại 0 (đã xong)"
    ) in panel.shown
    tg.assert_no_violations()


async def test_a_blocked_participant_is_skipped_until_they_write_to_the_bot_again(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    people = await register_all(
        tg, {6001: "Đỗ Văn Giang", 6002: "Vũ Thị Hà", 6003: "Bùi Văn Khánh"}
    )
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
    assert (
        f"#{broadcast_id} «Thông báo thứ hai: lịch trao giải.» · tới tất cả:"
        f" đã gửi {sent}, lỗi 1, còn lại 0 (đã xong)"
    ) in panel.shown

    # The next broadcast leaves the blocked account out from the start.
    preview = await preview_broadcast(tg, "Một thông báo sẽ huỷ.")
    assert f"thông báo sẽ gửi tới {len(got) - 1} người" in preview.shown
    await admin_taps(tg, said("admin.button_cancel"), said("admin.cancelled"))

    # Writing to the bot again shows the block is over: later broadcasts include them.
    tg.unblock(6002)
    asked = people[1].send_text("/huongdan")
    await tg.wait_for_text(6002, "Hướng dẫn", after=asked["message"]["message_id"])
    assert bot.value("SELECT blocked_at FROM accounts WHERE channel_user_id = '6002'") is None
    text = "Thông báo thứ ba: địa điểm trao giải."
    got = recipients(bot, await broadcast(tg, bot, text))
    assert got[6002] == "sent"
    assert copies(tg, 6002, text) == 1
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
            # Each answer edits the question into the next one: question 1 was sent once,
            # as a new message, and never again after the restart.
            firsts = [
                c
                for c in sent_calls(tg, "sendMessage", phuc.id)
                if "Câu 1/10" in str(c.params.get("text", ""))
            ]
            assert len(firsts) == 1, "the attempt started over"
        tg.assert_no_violations()
