"""Files that are the wrong kind, too big, empty or too long are refused with one clear message."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, load_bank, load_bank_bytes

MakeFile = Callable[..., Path]
FIVE_MB = 5 * 1024 * 1024


def problems_loading(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(BankError) as caught:
        load_bank(path)
    return caught.value.problems


def test_random_bytes_named_xlsx_are_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "cau-hoi.xlsx"
    path.write_bytes(bytes(range(256)) * 4)

    assert problems_loading(path) == [("cau-hoi.xlsx", "tệp không phải là bảng tính Excel (.xlsx)")]


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "cau-hoi.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert problems_loading(path) == [("cau-hoi.xlsx", "tệp không phải là bảng tính Excel (.xlsx)")]


def test_an_old_xls_renamed_to_xlsx_gets_a_hint() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "cau-hoi.xlsx")

    [(where, problem)] = caught.value.problems
    assert where == "cau-hoi.xlsx"
    assert problem.startswith("tệp là bảng tính Excel dạng cũ (.xls) hoặc có đặt mật khẩu")


def test_file_over_five_megabytes_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "lon.xlsx"
    with path.open("wb") as file:
        file.truncate(int(12.3 * 1024 * 1024))

    # Zero bytes are no spreadsheet: any other problem would mean the file was parsed.
    assert problems_loading(path) == [("lon.xlsx", "tệp quá lớn (12,3 MB), tối đa 5 MB")]


def test_upload_just_over_five_megabytes_is_refused() -> None:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(b"x" * (FIVE_MB + 1), "bank.csv")

    assert caught.value.problems == [("bank.csv", "tệp quá lớn (5,1 MB), tối đa 5 MB")]


@pytest.mark.parametrize(
    ("filename", "problem"),
    [
        (
            "cau-hoi.docx",
            "không hỗ trợ định dạng tệp '.docx'; hãy dùng .xlsx, .csv, .txt (Aiken) hoặc .yaml",
        ),
        (
            "cau-hoi.xls",
            "tệp Excel dạng cũ (.xls) không được hỗ trợ; "
            "hãy mở bằng Excel và lưu lại dưới dạng .xlsx",
        ),
        (
            "cau-hoi",
            "tên tệp không có phần mở rộng nên không biết định dạng; "
            "hãy dùng .xlsx, .csv, .txt (Aiken) hoặc .yaml",
        ),
    ],
)
def test_unknown_extension_is_refused(filename: str, problem: str) -> None:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(b"anything", filename)

    assert caught.value.problems == [(filename, problem)]


def test_extension_case_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "BANK.CSV"
    path.write_text("Câu hỏi,A,B,Đáp án đúng\nMột?,Có,Không,A\n", encoding="utf-8")

    assert len(load_bank(path).questions) == 1


def test_upload_filename_with_folders_is_reported_by_its_base_name() -> None:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(b"", "C:/Users/to-chuc/cau-hoi.csv")

    assert caught.value.problems == [("cau-hoi.csv", "tệp chưa có câu hỏi nào")]


def test_xlsx_with_headers_only_has_no_questions(make_xlsx: MakeFile) -> None:
    path = make_xlsx([["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"]], "rong.xlsx")

    assert problems_loading(path) == [("rong.xlsx", "tệp chưa có câu hỏi nào")]


@pytest.mark.parametrize("filename", ["rong.csv", "rong.txt", "rong.yaml"])
def test_blank_text_file_has_no_questions(filename: str) -> None:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(b"\n \n", filename)

    assert caught.value.problems == [(filename, "tệp chưa có câu hỏi nào")]


def test_more_than_five_thousand_questions_are_refused() -> None:
    lines = ["Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng"]
    lines += [f"Câu hỏi số {i}?,Có,Không,A" for i in range(5001)]

    with pytest.raises(BankError) as caught:
        load_bank_bytes("\n".join(lines).encode(), "nhieu.csv")

    assert caught.value.problems == [("nhieu.csv", "tệp có 5001 câu hỏi, tối đa 5000")]


def test_missing_file_is_reported_in_vietnamese(tmp_path: Path) -> None:
    assert problems_loading(tmp_path / "khong-co.xlsx") == [("khong-co.xlsx", "không tìm thấy tệp")]


def test_sheet_with_too_many_rows_is_refused(
    make_xlsx: MakeFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("questions.formats.xlsx.MAX_ROWS", 3)
    rows = [["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"]]
    rows += [[f"Câu {i}?", "Có", "Không", "A"] for i in range(4)]

    problems = problems_loading(make_xlsx(rows))

    assert problems == [
        ("bank.xlsx", "bảng tính có hơn 3 dòng (kể cả dòng trống); hãy xoá các dòng thừa")
    ]


def test_spreadsheet_that_unpacks_too_big_is_refused(
    make_xlsx: MakeFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("questions.formats.ziplimits.MAX_UNPACKED_BYTES", 1000)

    problems = problems_loading(make_xlsx([["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"]]))

    assert problems == [("bank.xlsx", "bảng tính sau khi giải nén quá lớn, không thể đọc")]
