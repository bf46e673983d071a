"""One bad question anywhere stops the whole load, and every problem is reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import Bank, BankError, Question, load_bank, write_bank

MakeFile = Callable[..., Path]


def test_one_bad_row_among_many_returns_nothing(make_xlsx: MakeFile, header: list[str]) -> None:
    rows = [(f"Câu hỏi số {i}?", "Có", "Không", None, None, "A") for i in range(1, 51)]
    rows[29] = ("Câu hỏi số 30?", "Có", "Không", None, None, "D")

    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([header, *rows]))

    assert caught.value.problems == [
        ("bank.xlsx, dòng 31", "đáp án đúng 'D' không có trong các phương án (chỉ có A–B)")
    ]


def test_problems_from_every_row_are_collected(make_xlsx: MakeFile, header: list[str]) -> None:
    rows = [
        ("Câu một?", "Có", "Không", None, None, None),
        ("Câu hai?", "Có", "Không", None, None, "B"),
        (None, "Có", "Không", None, None, "A"),
        ("Câu một?", "Có", "Không", None, None, "A"),
    ]

    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([header, *rows]))

    assert [where for where, _ in caught.value.problems] == [
        "bank.xlsx, dòng 2",
        "bank.xlsx, dòng 4",
        "bank.xlsx, dòng 5",
    ]


@pytest.mark.parametrize("extension", ["csv", "txt", "yaml"])
def test_other_formats_also_refuse_a_bank_with_one_bad_question(
    tmp_path: Path, extension: str
) -> None:
    good = [Question(f"Câu hỏi số {i}?", ("Có", "Không"), 0) for i in range(10)]
    path = tmp_path / f"bank.{extension}"
    write_bank(Bank("bank", "Ngân hàng", good), path)
    # Make the eighth question a copy of the fourth in the written file.
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace("Câu hỏi số 7?", "Câu hỏi số 3?"),
        encoding="utf-8",
    )

    with pytest.raises(BankError) as caught:
        load_bank(path)

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0][1].startswith("câu hỏi trùng với")
