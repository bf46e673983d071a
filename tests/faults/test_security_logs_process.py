"""The real `quizbot run` at LOG_LEVEL=DEBUG writes no phone number to its log.

Three people register through the fake Telegram server (a shared contact, a typed 09… number
with spaces, a typed 849… number), one takes the quiz and asks for the score, and an organiser
downloads the internal results workbook with full phones. The process's whole log (stderr and
stdout) is scanned for every phone in every form.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram
from tests.faults.phones import phones_in
from tests.faults.support import bot_process
from tests.support.servers import REDIS_URL, redis_prefix
from tests.telegram.process import TOKEN, BotConfig
from tests.telegram.scripted import ADMIN, admin_says, admin_taps, question_shown, register, said

pytestmark = pytest.mark.redis

PEOPLE = [
    (5101, "Đinh Văn Quang", "+84972615384", True),
    (5102, "Mai Thị Quế", "0961 548 273", False),
    (5103, "Lý Văn Sáng", "84935172846", False),
]


async def test_a_debug_log_of_a_whole_run_has_no_phone_number(tmp_path: Path) -> None:
    async with redis_prefix() as (_, prefix), FakeTelegram(TOKEN) as tg:
        config = BotConfig(admins=(ADMIN,), redis=(REDIS_URL, prefix))
        async with bot_process(tg, tmp_path, config, LOG_LEVEL="DEBUG") as bot:
            users = [tg.user(uid, name.split()[-1]) for uid, name, _, _ in PEOPLE]
            for user, (_, name, phone, contact) in zip(users, PEOPLE, strict=True):
                await register(tg, user, name, phone, contact=contact)
            quang = users[0]
            quang.send_text("/thi")
            for n in range(1, 11):
                await tg.wait_for_text(quang.id, question_shown(n))
                quang.tap_button("B")
            await tg.wait_for_text(quang.id, "Câu hỏi dự đoán")
            quang.send_text("2024")
            await tg.wait_for_text(quang.id, "Số câu đúng")
            quang.send_text("/diem")
            await tg.wait_for_text(quang.id, "Kết quả của bạn")

            await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
            await admin_taps(tg, said("admin.button_results"), "đợt")
            await admin_taps(tg, "Đợt thử nghiệm", "bản")
            tg.user(ADMIN).tap_button(said("admin.button_full"))
            await tg.wait_for(lambda: tg.calls("sendDocument"), 15)

            bot.proc.send_signal(signal.SIGTERM)
            assert await bot.proc.wait() == 0
            log = bot.log
    assert "DEBUG" in log
    assert "Traceback" not in log, log
    assert phones_in(log, [phone for _, _, phone, _ in PEOPLE]) == []
    tg.assert_no_violations()
