"""Where a question's picture goes among the texts of one reply on Zalo."""

from __future__ import annotations

from bot.channels.zalo.channel import pictured
from handlers.events import Message, Notice


def test_an_answer_echo_left_out_lets_its_notice_lead_the_next_pictured_question() -> None:
    notice, echo, question = (
        Notice("Đã ghi nhận"),
        Message("Câu 1", replace="m1", image="k1.png", keeps_picture=True, echo=True),
        Message("Câu 2", image="k2.png"),
    )

    assert pictured([notice, echo, question]) == [("k2.png", [notice, echo, question])]


def test_a_practice_verdict_stays_before_the_next_pictured_question() -> None:
    notice = Notice("Đã ghi nhận")
    verdict = Message("Câu 1 ✅ Đúng!", replace="m1", image="k1.png", keeps_picture=True)
    question = Message("Câu 2", image="k2.png")

    assert pictured([notice, verdict, question]) == [
        ("", [notice, verdict]),
        ("k2.png", [question]),
    ]


def test_an_introduction_comes_before_the_picture_of_the_first_question() -> None:
    intro, question = Message("Quý 1 — lượt thi của bạn bắt đầu"), Message("Câu 1", image="k.png")

    assert pictured([intro, question]) == [("", [intro]), ("k.png", [question])]


def test_the_next_question_in_place_of_the_one_answered_brings_its_own_picture() -> None:
    # Two questions in a row may show the same picture: Zalo sends it again before the second.
    notice = Notice("Đã ghi nhận")
    after_text = Message("✓ Câu 1: đã ghi nhận B\n\nCâu 2", replace="m1", image="k2.png")
    after_photo = Message("✓ Câu 2: đã ghi nhận A\n\nCâu 3", replace="m2", image="k2.png")

    assert pictured([notice, after_text]) == [("k2.png", [notice, after_text])]
    assert pictured([notice, after_photo]) == [("k2.png", [notice, after_photo])]
