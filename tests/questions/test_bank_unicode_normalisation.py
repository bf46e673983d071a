"""Decomposed (NFD) Vietnamese text, common from Word and macOS, is stored composed (NFC)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, load_bank

MakeFile = Callable[..., Path]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_xlsx_values_are_normalised_to_nfc(make_xlsx: MakeFile, header: list[str]) -> None:
    row = (nfd("Thủ đô của Việt Nam là?"), nfd("Hà Nội"), nfd("Huế"), None, None, nfd("Huế"))

    question = load_bank(make_xlsx([header, row])).questions[0]

    assert question.text == "Thủ đô của Việt Nam là?"
    assert question.options == ("Hà Nội", "Huế")
    assert question.correct == 1
    assert nfd(question.text) != question.text


def test_csv_values_are_normalised_to_nfc(make_csv: MakeFile, header: list[str]) -> None:
    row = (nfd("Tỉnh nào có Cố đô Hoa Lư?"), nfd("Ninh Bình"), nfd("Thanh Hoá"), "", "", "A")

    question = load_bank(make_csv([header, row])).questions[0]

    assert (question.text, question.options) == (
        "Tỉnh nào có Cố đô Hoa Lư?",
        ("Ninh Bình", "Thanh Hoá"),
    )


def test_aiken_and_yaml_values_are_normalised_to_nfc(make_text: MakeFile) -> None:
    aiken = nfd("Tỉnh nào có Cố đô Hoa Lư?\nA. Ninh Bình\nB. Thanh Hoá\nANSWER: A\n")
    yaml = nfd(
        "questions:\n"
        '  - text: "Tỉnh nào có Cố đô Hoa Lư?"\n'
        "    options: [Ninh Bình, Thanh Hoá]\n"
        "    answer: A\n"
    )

    for path in (make_text(aiken, "bank.txt"), make_text(yaml, "bank.yaml")):
        assert load_bank(path).questions[0].options == ("Ninh Bình", "Thanh Hoá")


def test_nfd_and_nfc_copies_of_a_question_are_duplicates(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    rows = [
        ("Thủ đô của Việt Nam là?", "Hà Nội", "Huế", None, None, "A"),
        (nfd("Thủ đô của Việt Nam là?"), "Hà Nội", "Huế", None, None, "A"),
    ]

    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([header, *rows]))

    assert caught.value.problems == [("bank.xlsx, dòng 3", "câu hỏi trùng với dòng 2")]


def test_nfd_and_nfc_copies_of_an_option_are_duplicates(
    make_csv: MakeFile, header: list[str]
) -> None:
    row = ("Thủ đô của Việt Nam là?", "Hà Nội", nfd("Hà Nội"), "", "", "A")

    with pytest.raises(BankError) as caught:
        load_bank(make_csv([header, row]))

    assert caught.value.problems == [("bank.csv, dòng 2", "phương án B bị trùng")]


def test_invisible_characters_at_the_ends_are_stripped(
    make_csv: MakeFile, header: list[str]
) -> None:
    row = ("\u200bThủ đô của Việt Nam là?\u00a0", "\ufeffHà Nội", " Huế\t", "", "", "A\x0b")

    question = load_bank(make_csv([header, row])).questions[0]

    assert (question.text, question.options) == ("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"))
