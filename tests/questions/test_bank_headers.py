"""Header cells match in Vietnamese or English, with or without diacritics and in any case."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, Question, load_bank

MakeFile = Callable[..., Path]
ROW = ("Thủ đô của Việt Nam là?", "Hà Nội", "Huế", "B", "Luật Thủ đô", "Địa lý")
EXPECTED = Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"), 1, "Luật Thủ đô", "Địa lý")


@pytest.mark.parametrize(
    "header",
    [
        ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng", "Nguồn", "Chủ đề"],
        ["Question", "Option A", "Option B", "Correct", "Source", "Topic"],
        ["question", "A", "B", "Answer", "SOURCE", "topic"],
        ["cau hoi", "dap an a", "dap an b", "dap an dung", "nguon", "chu de"],
        ["  CÂU HỎI ", "ĐÁP ÁN A", "Đáp án  B", "Đáp án đúng:", "Nguồn", "Chủ đề"],
    ],
    ids=["vietnamese", "english", "short-english", "no-diacritics", "case-and-spacing"],
)
def test_header_spellings_are_recognised(make_xlsx: MakeFile, header: list[str]) -> None:
    assert load_bank(make_xlsx([header, ROW])).questions == [EXPECTED]


def test_nfd_headers_are_recognised(make_xlsx: MakeFile) -> None:
    header = [
        unicodedata.normalize("NFD", h) for h in ("Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng")
    ]

    loaded = load_bank(make_xlsx([header, ROW[:4]]))

    assert loaded.questions == [Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"), 1)]


def test_unknown_columns_are_ignored(make_xlsx: MakeFile) -> None:
    header = ["STT", "Câu hỏi", "Ghi chú", "Đáp án A", "Đáp án B", "Đáp án đúng", "Người soạn"]
    row = (1, "Thủ đô của Việt Nam là?", "dễ", "Hà Nội", "Huế", "B", "Phòng CĐS")

    loaded = load_bank(make_xlsx([header, row]))

    assert loaded.questions == [Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"), 1)]


def test_rows_with_only_unknown_columns_filled_are_skipped(make_xlsx: MakeFile) -> None:
    header = ["STT", "Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"]
    rows = [(1, "Thủ đô của Việt Nam là?", "Hà Nội", "Huế", "A"), (2,), (3,)]

    assert len(load_bank(make_xlsx([header, *rows])).questions) == 1


def test_header_is_the_first_non_empty_row(make_xlsx: MakeFile) -> None:
    rows = [(), (None, None), ("Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"), ROW[:4]]

    assert len(load_bank(make_xlsx(rows)).questions) == 1


def test_columns_may_come_in_any_order(make_xlsx: MakeFile) -> None:
    header = ["Đáp án đúng", "Đáp án B", "Câu hỏi", "Đáp án A"]
    row = ("A", "Huế", "Thủ đô của Việt Nam là?", "Hà Nội")

    loaded = load_bank(make_xlsx([header, row]))

    assert loaded.questions == [Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"), 0)]


def test_missing_required_columns_are_named(make_xlsx: MakeFile) -> None:
    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([["Câu hỏi", "Đáp án A", "Đáp án C"], ("Hỏi?", "Có", "Không")]))

    assert caught.value.problems == [
        (
            "bank.xlsx, dòng 1",
            "thiếu cột bắt buộc: Đáp án B, Đáp án đúng "
            "(dòng đầu tiên có dữ liệu phải là dòng tiêu đề cột)",
        )
    ]


def test_a_title_row_above_the_headers_is_reported_as_missing_columns(make_xlsx: MakeFile) -> None:
    rows = [["NGÂN HÀNG CÂU HỎI"], ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"], ROW[:4]]

    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx(rows))

    assert caught.value.problems[0][0] == "bank.xlsx, dòng 1"
    assert caught.value.problems[0][1].startswith("thiếu cột bắt buộc: Câu hỏi, Đáp án A")


def test_a_column_given_twice_is_reported(make_xlsx: MakeFile) -> None:
    header = ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng", "Answer"]

    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([header, ROW[:4]]))

    assert caught.value.problems == [
        ("bank.xlsx, dòng 1", "cột 'Đáp án đúng' có hai lần (cột D và cột E)")
    ]
