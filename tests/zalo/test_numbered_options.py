"""A number that names an option shown picks it, also after a reply that listed none (an error,
a command answered on the way): the unit step lists "1. Người dân", and 1 picks it."""

from __future__ import annotations

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant


async def test_after_a_refused_unit_the_number_of_the_option_shown_still_picks_it(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.say("đăng ký", "1/6. Họ và tên")
    await an.say("Nguyễn Văn An", "2/6.")
    await an.say("0912345678", "3/6.")
    await an.say("1990", "4/6.")
    await an.say("5", "5/6.")  # 5. Hoa Lư
    await an.say("x", "Tên cơ quan, đơn vị cần từ 2 đến 200 ký tự")
    await an.say("1", "6/6.")  # 1. Người dân, as listed at the unit step
    await an.say("lịch thi", "Lịch thi")
    await an.say("1", "Bạn kiểm tra lại thông tin")  # 1. ✅ Đồng ý, still on the screen
    await an.say("1", "Đăng ký thành công")
    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert (person.locality, person.unit) == ("Hoa Lư", "Người dân")
    zl.assert_no_violations()
