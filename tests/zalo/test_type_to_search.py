"""On Zalo, a long list is searched by typing and a match is picked by its number, as on the
console: the same engine, numbered options instead of buttons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from bot.config import Settings
from tests.fake_zalo import FakeZalo
from tests.support.lists import (
    PROVINCE,
    hoa_son_contest,
    matching,
)
from tests.zalo.participant import ZaloParticipant


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"contest_file": hoa_son_contest(tmp_path)})


def _options(text: str) -> dict[int, str]:
    """The numbered options of a message: {1: "…", 2: "…"}."""
    return {int(n): label for n, label in re.findall(r"^(\d+)\. (.+)$", text, re.MULTILINE)}


async def _at_locality_step(an: ZaloParticipant) -> str:
    await an.say("đăng ký", "1/6. Họ và tên")
    await an.say("Nguyễn Văn An", "2/6.")
    await an.say("0912345678", "3/6.")
    asked = await an.say("1990", "4/6.")
    return asked.shown


async def test_a_number_picks_a_match_of_what_was_typed(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    asked = await _at_locality_step(an)
    assert "gõ tên địa bàn (không cần dấu" in asked
    assert _options(asked) == {1: "Khác"}
    assert not re.search(r"bấm|nút", asked, re.IGNORECASE)

    found = await an.say("thanh", "khớp với «thanh»")
    options = _options(found.shown)
    expected = matching(list(app.contest.localities), "thanh")
    assert len(options) == 9
    assert options[9] == "Khác"
    assert set(options[i] for i in range(1, 9)) <= set(expected)
    assert "Gõ số để chọn." in found.shown

    await an.say("3", "5/6.")
    units = await an.say("thcs thanh hung", "khớp với «thcs thanh hung»")
    assert _options(units.shown) == {
        1: "Trường THCS phường Thanh Hưng",
        2: "Người dân",
        3: "Khác",
    }
    await an.say("1", "6/6.")
    await an.say("Đồng ý", "Bạn kiểm tra lại thông tin")
    await an.say("1", "Đăng ký thành công")

    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert (person.locality, person.unit) == (options[3], "Trường THCS phường Thanh Hưng")
    zl.assert_no_violations()


async def test_khac_and_nguoi_dan_are_picked_by_number_too(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await _at_locality_step(an)
    nothing = await an.say("ha noi", "Không tìm thấy địa bàn nào")
    assert _options(nothing.shown) == {1: "Khác"}
    other = await an.say("1", "Bạn gõ tên địa bàn")
    assert _options(other.shown) == {1: "🔎 Tìm trong danh sách"}
    await an.say("Phường Cửa Nam, thành phố Nam Định", "5/6.")
    unit = await an.say("xyz", "Không tìm thấy cơ quan")
    assert _options(unit.shown) == {1: "Người dân", 2: "Khác"}
    await an.say("1", "6/6.")
    await an.say("Đồng ý", "Bạn kiểm tra lại thông tin")
    await an.say("1", "Đăng ký thành công")

    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert (person.locality, person.unit) == ("Phường Cửa Nam, thành phố Nam Định", "Người dân")
    assert PROVINCE not in person.locality
    zl.assert_no_violations()
