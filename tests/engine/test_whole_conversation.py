"""A participant's whole journey: register, take the quiz, predict, see the result and score."""

from __future__ import annotations

from bot.clock import ManualClock
from tests.support.client import Person


async def test_register_quiz_predict_result_and_score(person: Person, clock: ManualClock) -> None:
    await person.send("/start")
    assert "Xin chào" in person.said
    await person.register(name="Trần Thị Hoa", phone="0987 654 321", locality="Kim Sơn")

    await person.send("/thi")
    assert "Quý 1" in person.said
    assert "Câu 1/10" in person.said
    assert "còn 10:00" in person.said
    for i in range(10):
        clock.advance(seconds=20)
        await person.answer(right=i < 7)
        if i < 9:
            assert f"Câu {i + 2}/10" in person.said
    assert "Câu hỏi dự đoán" in person.said
    await person.send("1234")
    said = person.said
    assert "Bạn đã nộp bài" in said
    assert "Số câu đúng: 7/10" in said
    assert "3 phút 20 giây" in said
    assert "Dự đoán của bạn: 1.234" in said
    assert "Thứ hạng tạm thời trong đợt: 1/1" in said
    assert "Lượt thi còn lại hôm nay: 0" in said

    await person.send("/diem")
    assert "Kết quả tốt nhất: 7/10 câu đúng, 3 phút 20 giây, dự đoán 1.234" in person.said
    assert "Thứ hạng: 1/1" in person.said
