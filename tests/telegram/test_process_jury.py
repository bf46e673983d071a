"""End to end through `quizbot run` and the fake Telegram: an organiser closes the round in
/admin, the results are provisional and nobody hears of a winner; the organiser reviews, sets
the first-placed entry aside with a typed reason and approves; only then are the winners
congratulated, everyone who took part told, and the organiser given the workbook and the
certificates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from tests.fake_telegram import FakeTelegram
from tests.support.process import serving_quizbot
from tests.telegram.process import ROUND_CODE, ROUND_NAME, TOKEN, BotConfig, BotProcess
from tests.telegram.scripted import ADMIN, admin_says, admin_taps, question_shown, register

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot process with one organiser; messages to people may go at any hour (the test
    runs whenever it runs)."""
    env = BotConfig(admins=(ADMIN,)).environment(tg, tmp_path)
    _any_hour(Path(env["CONTEST_FILE"]))
    calls_before = len(tg.requests)

    def ready() -> bool:
        return any(r.method == "getUpdates" for r in tg.requests[calls_before:])

    async with serving_quizbot(tg, tmp_path, env, ready) as process:
        yield process


def _any_hour(contest: Path) -> None:
    data = yaml.safe_load(contest.read_text(encoding="utf-8"))
    data["announcements"] = {"earliest": "00:00", "latest": "23:59:59"}
    contest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


async def test_close_review_set_aside_approve_then_announced(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    an, binh = tg.user(1001, "An"), tg.user(1002, "Bình")
    await register(tg, an, "Nguyễn Văn An", "+84912000001", contact=True)
    await register(tg, binh, "Trần Thị Bình", "0912000002", contact=False)
    for user, letter in ((an, "A"), (binh, "B")):
        user.send_text("/thi")
        for n in range(1, 11):
            await tg.wait_for_text(user.id, question_shown(n))
            user.tap_button(letter)
        await tg.wait_for_text(user.id, "Câu hỏi dự đoán")
        user.send_text("2")
        await tg.wait_for_text(user.id, "Số câu đúng")

    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, "🔒 Đóng đợt thi", "Chọn đợt thi cần đóng")
    await admin_taps(tg, ROUND_NAME, f"Đóng {ROUND_NAME} ngay bây giờ?")
    await admin_taps(tg, "✅ Đồng ý", "Số giải tạm tính: 2")
    await tg.wait_for_text(ADMIN, f"{ROUND_NAME} đã đóng: kết quả đang là tạm tính.")
    [(first_uid,), (second_uid,)] = bot.rows(
        "SELECT c.channel_user_id FROM winners w JOIN accounts c"
        " ON c.participant_id = w.participant_id ORDER BY w.rank"
    )
    first, second = int(first_uid), int(second_uid)
    for uid in (first, second):
        told = [m.shown for m in tg.sent_to(uid)]
        assert not any("Chúc mừng" in m or f"Kết quả {ROUND_NAME}" in m for m in told)

    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, "⚖️ Xét duyệt kết quả", "Chọn đợt thi cần xét duyệt")
    page = await admin_taps(tg, ROUND_NAME, f"Xét duyệt kết quả {ROUND_NAME}")
    assert "tạm tính, chưa công bố" in page.shown
    await admin_taps(tg, "⛔ Để riêng #1", "Bạn gõ lý do để riêng bài #1")
    reason = "Trả lời nhanh bất thường, đã gọi điện xác minh"
    # The review comes again, the entry set aside in it.
    await admin_says(tg, reason, f"⛔ Đã để riêng: {reason}")
    assert any("Đã để riêng bài #1" in m.shown for m in tg.sent_to(ADMIN))
    await admin_taps(tg, "✅ Phê duyệt kết quả", f"Phê duyệt kết quả {ROUND_NAME}?")
    await admin_taps(tg, "✅ Phê duyệt và công bố", f"Đã phê duyệt kết quả {ROUND_NAME}.")

    congratulated = await tg.wait_for_text(second, "Chúc mừng")
    assert "Giải Nhất" in congratulated.shown
    for uid in (first, second):
        listed = await tg.wait_for_text(uid, f"Kết quả {ROUND_NAME}")
        assert "Số người tham gia: 2" in listed.shown
    assert not any("Chúc mừng" in m.shown for m in tg.sent_to(first))
    await tg.wait_for(lambda: len([m for m in tg.sent_to(ADMIN) if m.document]) == 2)
    assert sorted(m.document.filename for m in tg.sent_to(ADMIN) if m.document) == [
        f"giay-chung-nhan-{ROUND_CODE}.zip",
        f"ket-qua-{ROUND_CODE}-noi-bo.xlsx",
    ]
    assert bot.rows("SELECT approved_by FROM rounds") == [("telegram:9000",)]
    assert bot.value("SELECT count(*) FROM set_asides") == 1
    assert bot.value("SELECT count(*) FROM audit_log WHERE action = 'round.approve'") == 1
    tg.assert_no_violations()
