"""Answer review on Zalo: /diem lists "Xem đáp án" as a numbered option once the round is
decided; typing its number (or "xem đáp án") shows the review, cut into Zalo-sized messages."""

from __future__ import annotations

from sqlmodel import select

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from bot.clock import ManualClock
from storage.models import Attempt
from tests.conftest import vn
from tests.fake_zalo import FakeZalo
from tests.support.review import decide, expected_review, next_quarter_bank, use_explained_bank
from tests.zalo.participant import ZaloParticipant, correct_letter


async def test_review_is_a_numbered_option_of_diem_once_the_round_is_decided(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, clock: ManualClock
) -> None:
    await use_explained_bank(app)
    await an.register()
    await an.say("thi", "Câu 1/10")
    for i in range(10):
        right = await correct_letter(app, an.id)
        letter = right if i < 6 else next(x for x in "ABCD" if x != right)
        await an.say(letter, "Câu hỏi dự đoán" if i == 9 else f"Câu {i + 2}/10")
    await an.say("1500", "Số câu đúng: 6/10")

    during = await an.say("điểm", "Kết quả của bạn")
    assert "Xem đáp án" not in during.shown

    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)
    await next_quarter_bank(app)
    scores = await an.say("điểm", "Kết quả của bạn")
    assert scores.shown.endswith("1. 📖 Xem đáp án Quý 1\nGõ số để chọn.")

    seq = zl.last_seq()
    await an.say("1", "Đáp án Quý 1")
    async with app.db.session() as s:
        (attempt,) = (await s.exec(select(Attempt))).all()
    blocks = await expected_review(app, attempt.code)
    await zl.wait_for_text(an.id, blocks[-1], after=seq)
    shown = "\n\n".join(an.said_since(seq))
    assert shown.startswith("📖 Đáp án Quý 1\nBài thi được tính của bạn: 6/10 câu đúng.")
    for block in blocks:
        assert block in shown
    assert all(len(text) <= 2000 for text in an.said_since(seq))
    zl.assert_no_violations()
