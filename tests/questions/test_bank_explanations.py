"""An optional explanation per question: read from the `Giải thích` column or the YAML/CSV
`explanation` field, checked like the rest, and written back by every format that can hold it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from questions import Bank, BankError, Question, load_bank, write_bank, write_template
from tests.questions.conftest import MakeFile

WHY_749 = (
    "Quyết định số 749/QĐ-TTg ngày 03/6/2020 phê duyệt Chương trình Chuyển đổi số quốc gia "
    "đến năm 2025, định hướng đến năm 2030."
)
EXPLAINED = Question(
    text="Chương trình Chuyển đổi số quốc gia được phê duyệt theo quyết định nào?",
    options=("Quyết định số 749/QĐ-TTg", "Quyết định số 942/QĐ-TTg"),
    correct=0,
    source="Quyết định số 749/QĐ-TTg",
    explanation=WHY_749,
)
PLAIN = Question(
    text="Ngày Chuyển đổi số quốc gia là ngày nào?", options=("10/10", "3/6"), correct=0
)


def test_excel_column_giai_thich_is_read(make_xlsx: MakeFile) -> None:
    path = make_xlsx(
        [
            ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng", "Nguồn", "Giải thích"],
            [EXPLAINED.text, *EXPLAINED.options, "A", EXPLAINED.source, WHY_749],
            [PLAIN.text, *PLAIN.options, "A", None, None],
        ]
    )

    assert load_bank(path).questions == [EXPLAINED, PLAIN]


def test_csv_header_without_diacritics_is_read(make_csv: MakeFile) -> None:
    path = make_csv(
        [
            ["Cau hoi", "A", "B", "Dap an dung", "Nguon", "giai thich"],
            [EXPLAINED.text, *EXPLAINED.options, "A", EXPLAINED.source, WHY_749],
        ]
    )

    assert load_bank(path).questions == [EXPLAINED]


def test_yaml_field_explanation_is_read(make_text: MakeFile) -> None:
    path = make_text(
        "questions:\n"
        f'  - text: "{EXPLAINED.text}"\n'
        f'    options: ["{EXPLAINED.options[0]}", "{EXPLAINED.options[1]}"]\n'
        "    answer: A\n"
        f'    source: "{EXPLAINED.source}"\n'
        f'    explanation: "{WHY_749}"\n',
        name="bank.yaml",
    )

    assert load_bank(path).questions == [EXPLAINED]


@pytest.mark.parametrize("extension", ["xlsx", "csv", "yaml"])
def test_explanations_survive_export_and_import(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"ngan-hang.{extension}"
    write_bank(Bank("ngan-hang", "Ngân hàng", [EXPLAINED, PLAIN]), path)

    assert load_bank(path).questions == [EXPLAINED, PLAIN]


def test_too_long_explanation_is_refused_naming_the_row(make_xlsx: MakeFile) -> None:
    path = make_xlsx(
        [
            ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng", "Giải thích"],
            [PLAIN.text, *PLAIN.options, "A", "x" * 801],
        ]
    )

    with pytest.raises(BankError) as caught:
        load_bank(path)

    assert caught.value.problems == [("bank.xlsx, dòng 2", "giải thích dài 801 ký tự, tối đa 800")]


def test_aiken_cannot_hold_explanations_so_writing_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError) as caught:
        write_bank(Bank("b", "B", [PLAIN, EXPLAINED]), tmp_path / "ngan-hang.txt")

    assert caught.value.problems == [
        (
            "ngan-hang.txt, câu 2",
            "câu hỏi có phần giải thích, định dạng Aiken không ghi được; "
            "hãy dùng .xlsx, .csv hoặc .yaml",
        )
    ]
    assert not (tmp_path / "ngan-hang.txt").exists()


def test_template_guide_tells_when_participants_read_the_explanation(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_template(path)

    guide = [str(c.value) for c in load_workbook(path)["Hướng dẫn"]["A"]]

    assert any(
        line.startswith("• 'Giải thích' (không bắt buộc, tối đa 800 ký tự)") for line in guide
    )
