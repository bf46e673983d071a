"""contest.yaml's practice_bank: a bank file beside the contest file, read when the contest is
loaded; one that cannot be loaded stops it with the field and every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.contest import ContestFileError, load_contest
from tests.support.lists import contest_with

PRACTICE_BANK = Path(__file__).resolve().parent / "data" / "banks" / "thi-thu.yaml"


def test_a_practice_bank_beside_the_contest_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "thi-thu.yaml").write_bytes(PRACTICE_BANK.read_bytes())
    contest = load_contest(contest_with(tmp_path, practice_bank="thi-thu.yaml"))

    assert contest.practice_bank is not None
    assert len(contest.practice_bank.questions) == 4
    assert contest.practice_bank.questions[0].explanation.startswith("Quyết định số 505/QĐ-TTg")


def test_without_a_practice_bank_practice_uses_the_decided_rounds(tmp_path: Path) -> None:
    assert load_contest(contest_with(tmp_path)).practice_bank is None


def test_a_practice_bank_that_cannot_be_loaded_is_named_with_its_problems(tmp_path: Path) -> None:
    (tmp_path / "thi-thu.csv").write_text(
        "Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nNgày Chuyển đổi số quốc gia?,10/10,,A\n",
        encoding="utf-8",
    )
    path = contest_with(tmp_path, practice_bank="thi-thu.csv")

    with pytest.raises(ContestFileError) as caught:
        load_contest(path)

    assert str(caught.value) == (
        f"{path}: practice_bank: Value error, {tmp_path / 'thi-thu.csv'}: "
        "thi-thu.csv, dòng 2: có 1 phương án, cần từ 2 đến 6"
    )
