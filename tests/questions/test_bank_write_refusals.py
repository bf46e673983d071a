"""Writing refuses what a format cannot hold rather than write a file that loads differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions import Bank, BankError, Question, write_bank, write_bank_bytes


def test_aiken_refuses_text_it_would_misread(tmp_path: Path) -> None:
    questions = [
        Question("Câu hỏi bình thường?", ("Có", "Không"), 0),
        Question("Đoạn một.\n\nĐoạn hai?", ("Có", "Không"), 0),
        Question("Xét hai ý:\nA. ý thứ nhất\nB) ý thứ hai\nÝ nào đúng?", ("A", "B"), 0),
        Question("Phương án nhiều dòng?", ("Dòng một\nDòng hai", "Không"), 0, topic="Chủ\nđề"),
    ]
    path = tmp_path / "bank.txt"

    with pytest.raises(BankError) as caught:
        write_bank(Bank("bank", "Ngân hàng", questions), path)

    assert caught.value.problems == [
        ("bank.txt, câu 2", "câu hỏi có dòng trống, định dạng Aiken không ghi được"),
        (
            "bank.txt, câu 3",
            "câu hỏi có dòng bắt đầu bằng 'A.' hoặc 'A)', sẽ bị đọc thành phương án",
        ),
        ("bank.txt, câu 4", "phương án A có nhiều dòng, Aiken không ghi được"),
        ("bank.txt, câu 4", "chủ đề có nhiều dòng, Aiken không ghi được"),
    ]
    assert not path.exists()


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_tables_refuse_a_question_that_would_be_skipped_as_the_example(extension: str) -> None:
    questions = [Question("Ví dụ: câu hỏi mẫu?", ("Có", "Không"), 0)]

    with pytest.raises(BankError) as caught:
        write_bank_bytes(Bank("bank", "Ngân hàng", questions), f"bank.{extension}")

    assert caught.value.problems == [
        (
            f"bank.{extension}, câu 1",
            "câu hỏi bắt đầu bằng 'Ví dụ:' nên sẽ bị bỏ qua như dòng ví dụ khi nạp",
        )
    ]


def test_writing_to_an_unknown_extension_is_refused() -> None:
    with pytest.raises(BankError) as caught:
        write_bank_bytes(Bank("bank", "Ngân hàng", []), "bank.json")

    assert caught.value.problems[0][0] == "bank.json"
