"""Zalo text in and out: typed answers, numbers and commands map to events; replies to text."""

from __future__ import annotations

import pytest

from bot.channels.text import Hint, command_of, event_of_text, hint_text, listed_by
from bot.channels.zalo.render import MAX_TEXT, render, split_text
from handlers.answer_tokens import answer_token
from handlers.events import Button, Choice, Command, Message, Notice, Reply, Text, User
from handlers.texts import Raw, Texts

TEXTS = Texts("vi")
USER = User("zalo", "z1", "An")
CODE = "abcdefghij"
ANSWERS = [(letter, answer_token(CODE, 3, i)) for i, letter in enumerate("ABCD")]
MENU = [("📝 Đăng ký", "m:reg"), ("❓ Hướng dẫn", "m:help"), ("✅ Đồng ý", "r:yes")]


@pytest.mark.parametrize(
    "typed",
    ["B", "b", "2", "đáp án b", " B ", "Đáp án: B", "dap an b", "b.", "(b)", "Chọn B", "B)"],
)
def test_every_usual_way_of_typing_b_sends_the_tap_on_b(typed: str) -> None:
    assert event_of_text(USER, typed, ANSWERS) == Choice(USER, ANSWERS[1][1])


@pytest.mark.parametrize(("typed", "index"), [("a", 0), ("C", 2), ("4", 3), ("Đáp án: D", 3)])
def test_each_letter_and_number_picks_its_own_option(typed: str, index: int) -> None:
    assert event_of_text(USER, typed, ANSWERS) == Choice(USER, ANSWERS[index][1])


@pytest.mark.parametrize("typed", ["E", "5", "0", "hello", "tôi chọn", "AB", "1500", "đáp án"])
def test_anything_else_while_a_question_shows_is_a_hint(typed: str) -> None:
    event = event_of_text(USER, typed, ANSWERS)
    assert isinstance(event, Hint)
    assert hint_text(TEXTS, event) == (
        "Mình chưa hiểu câu trả lời này. Bạn gõ A, B, C hoặc D để chọn đáp án cho câu hỏi "
        "đang hiện."
    )


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("thi", "thi"),
        ("/thi", "thi"),
        ("Thi", "thi"),
        ("điểm", "diem"),
        ("diem", "diem"),
        ("/điểm", "diem"),
        ("thể lệ", "thele"),
        ("the le", "thele"),
        ("/thele", "thele"),
        ("lịch thi", "lichthi"),
        ("lich thi", "lichthi"),
        ("đăng ký", "dangky"),
        ("dang ky", "dangky"),
        ("Đăng kí", "dangky"),
        ("hướng dẫn", "huongdan"),
        ("huong dan", "huongdan"),
        ("bắt đầu", "batdau"),
        ("start", "start"),
        ("/start", "start"),
        ("huỷ", "huy"),
        ("hủy", "huy"),
    ],
)
def test_commands_work_with_or_without_slash_and_diacritics(typed: str, name: str) -> None:
    assert command_of(typed) == (name, "")
    # ...even while a question waits for an answer
    assert event_of_text(USER, typed, ANSWERS) == Command(USER, name, "")


def test_a_slash_command_keeps_its_arguments_and_unknown_ones_reach_the_engine() -> None:
    assert command_of("/start qr-xa-ninh-hai") == ("start", "qr-xa-ninh-hai")
    assert command_of("/khongco") == ("khongco", "")
    assert command_of("thi lại") is None  # free text, not a command
    assert command_of("Thi thử") == ("thithu", "")  # practice, typed as the menu names it


def test_numbers_and_labels_pick_buttons_of_other_menus() -> None:
    assert event_of_text(USER, "2", MENU) == Choice(USER, "m:help")
    assert event_of_text(USER, "3.", MENU) == Choice(USER, "r:yes")
    assert event_of_text(USER, "đồng ý", MENU) == Choice(USER, "r:yes")
    assert event_of_text(USER, "Dong y", MENU) == Choice(USER, "r:yes")


@pytest.mark.parametrize("typed", ["Nguyễn Thị Hoa", "1990", "4", "Sở Thông tin"])
def test_other_text_goes_to_the_engine_as_typed(typed: str) -> None:
    assert event_of_text(USER, typed, MENU) == Text(USER, typed)
    assert event_of_text(USER, typed, []) == Text(USER, typed)


def _question() -> Message:
    text = TEXTS(
        "quiz.question",
        n=4,
        total=10,
        left="9:12",
        text="Chuyển đổi số là gì?",
        options=Raw("<b>A.</b> Một\n<b>B.</b> Hai\n<b>C.</b> Ba\n<b>D.</b> Bốn"),
    )
    return Message(text, buttons=(tuple(Button(label, token) for label, token in ANSWERS),))


def test_a_question_lists_its_options_once_and_says_how_to_answer() -> None:
    out = render(TEXTS, [_question()])
    assert out == [
        "Câu 4/10 · ⏱ còn 9:12\n\nChuyển đổi số là gì?\n\nA. Một\nB. Hai\nC. Ba\nD. Bốn"
        "\n\nTrả lời bằng cách gõ A, B, C hoặc D."
    ]
    assert listed_by([_question()]) == ANSWERS


def test_other_buttons_become_a_numbered_list() -> None:
    menu = Message(
        "Chọn một mục:",
        buttons=((Button("📝 Đăng ký", "m:reg"),), (Button("❓ Hướng dẫn", "m:help"),)),
    )
    out = render(TEXTS, [menu])
    assert out == ["Chọn một mục:\n\n1. 📝 Đăng ký\n2. ❓ Hướng dẫn\nGõ số để chọn."]
    assert listed_by([menu]) == [("📝 Đăng ký", "m:reg"), ("❓ Hướng dẫn", "m:help")]


def test_other_buttons_while_a_question_waits_are_not_numbered_and_the_question_is_recalled() -> (
    None
):
    menu = Message("Chọn một mục:", buttons=((Button("📝 Đăng ký", "m:reg"),),))
    out = render(TEXTS, [menu], waiting=ANSWERS)
    assert out == ["Chọn một mục:\n\nCâu hỏi vẫn đang chờ bạn trả lời: gõ A, B, C hoặc D."]


def test_the_phone_step_asks_to_type_the_phone() -> None:
    with TEXTS.speaking_to("zalo"):
        ask = Message(TEXTS("register.ask_phone"), ask_contact=True)
    out = render(TEXTS, [ask])
    assert out == [
        "2/6. Số điện thoại di động của bạn: bạn gõ số, ví dụ: 0912345678. Đã đăng ký trên"
        " Telegram thì bạn gõ lienket và mã liên kết thay vì đăng ký lại."
    ]
    assert listed_by([ask]) == []


def test_after_an_answer_the_next_question_is_one_message_that_confirms_it() -> None:
    question = _question()
    replies = [
        Notice("Đã ghi nhận"),
        Message(f"✓ Câu 3: đã ghi nhận B\n\n{question.text}", question.buttons, replace="x"),
    ]
    out = render(TEXTS, replies, answered=True)
    assert len(out) == 1
    assert out[0].startswith("✓ Câu 3: đã ghi nhận B\n\nCâu 4/10")
    assert listed_by(replies) == ANSWERS


def test_a_replacement_is_otherwise_a_new_message_that_keeps_the_buttons() -> None:
    replies: list[Reply] = [Message("Đã sửa", replace="x")]
    assert render(TEXTS, replies) == ["Đã sửa"]
    assert listed_by(replies) is None  # nothing new listed: what was listed stays


def test_a_notice_alone_is_a_short_message() -> None:
    replies: list[Reply] = [Notice("Câu này bạn đã trả lời rồi.")]
    assert render(TEXTS, replies) == ["Câu này bạn đã trả lời rồi."]
    assert listed_by(replies) is None


def test_markup_is_removed() -> None:
    assert render(TEXTS, [Message("<b>Kết quả</b> &amp; <i>thứ hạng</i>")]) == [
        "Kết quả & thứ hạng"
    ]


def test_long_texts_split_at_line_ends_within_2000_characters() -> None:
    lines = [f"{i:04d} " + "x" * 95 for i in range(60)]  # 60 lines of 100 characters
    pieces = split_text("\n".join(lines))
    assert all(1 <= len(p) <= MAX_TEXT for p in pieces)
    assert len(pieces) == 4
    assert "\n".join(pieces).split("\n") == lines  # nothing lost, no line cut


def test_a_single_line_over_the_limit_is_cut_at_spaces() -> None:
    words = " ".join(["chuyển"] * 700)  # 4899 characters, no line break
    pieces = split_text(words)
    assert all(len(p) <= MAX_TEXT for p in pieces)
    assert " ".join(pieces) == words
    assert split_text("\n\n") == []


def test_a_long_message_renders_as_several_within_the_limit() -> None:
    out = render(TEXTS, [Message("\n".join(["Dòng " + "y" * 300] * 20))])
    assert len(out) == 4
    assert all(len(t) <= MAX_TEXT for t in out)


def test_a_typed_choice_names_the_message_it_came_in() -> None:
    assert event_of_text(USER, "b", ANSWERS, ref="m1") == Choice(USER, ANSWERS[1][1], "m1")
    assert event_of_text(USER, "1", MENU, ref="m2") == Choice(USER, "m:reg", "m2")
