"""On Zalo the participant's data rights are typed: "dữ liệu" (or "du lieu") shows what is
stored, "xoá dữ liệu" asks to confirm with a number, and the number erases; no file, since
Zalo's Bot API sends none (the console reads the same: tests/test_console.py)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant


@pytest.mark.parametrize("typed", ["dữ liệu", "du lieu", "/dulieu", "Dữ liệu của tôi"])
async def test_typing_du_lieu_shows_what_is_stored(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, typed: str
) -> None:
    await an.register()
    shown = await an.say(typed, "Dữ liệu của tôi")
    assert "Họ và tên: Nguyễn Văn An" in shown.shown
    assert "Số điện thoại: 0912345678 (gõ tay)" in shown.shown
    await an.say("thi", "Câu 1/10")  # nothing waits on it: the menu and the quiz go on
    zl.assert_no_violations()


async def test_typing_xoa_du_lieu_then_the_number_erases(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    asked = await an.say("xoá dữ liệu", "Rút lại sự đồng ý và xoá dữ liệu")
    assert "1. 🗑 Xoá dữ liệu của tôi\n2. Không xoá" in asked.shown
    await an.say("1", "Đã rút lại sự đồng ý và xoá dữ liệu của bạn")
    assert await app.svc.participants.by_account("zalo", an.id) is None
    await an.say("1", "Xin chào")  # a newcomer now: the welcome, not a second erasure
    zl.assert_no_violations()
