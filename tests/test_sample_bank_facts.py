"""Facts in the sample bank must come from the 2023 contest plan (the seed text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from questions.model import LETTERS, Question, validate_question

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "questions" / "banks" / "chuyen-doi-so-2023.yaml"
SEED = ROOT.parent / "shared" / "seed" / "ke-hoach-cuoc-thi-chuyen-doi-so-2023.txt"

# Document numbers such as 749/QĐ-TTg, 01-NQ/TU, 03/KH-STTTT.
DOC_NUMBER = re.compile(r"(?<![\w/])(\d+(?:-[A-Z]+)?/[A-ZĐ]+(?:-[A-Za-zĐ]+)?)")
DATE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d)")
LONG_NUMBER = re.compile(r"\d{3,}")

# Every document listed in section II.2 of the plan must be tested by some question.
LISTED_DOCUMENTS = {
    "749/QĐ-TTg",
    "942/QĐ-TTg",
    "924/QĐ-TTg",
    "01-NQ/TU",
    "106/KH-UBND",
    "148/KH-UBND",
    "46/KH-UBND",
    "06/QĐ-TTg",
    "118/KH-UBND",
    "145/KH-UBND",
    "164/KH-UBND",
    "194/KH-UBND",
    "11/KH-UBND",
    "01/CT-BTTTT",
}


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.fail(
            f"seed text not found at {SEED}: the 'shared' folder must sit beside the "
            "repository (../shared/seed from the repository root)"
        )
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def entries() -> list[dict[str, object]]:
    data = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    return list(data["questions"])


def _question(entry: dict[str, object]) -> Question:
    answer = str(entry["answer"])
    return Question(
        text=str(entry["text"]),
        options=tuple(str(o) for o in entry["options"]),  # type: ignore[attr-defined]
        correct=LETTERS.index(answer),
        source=str(entry["source"]),
        topic=str(entry.get("topic", "")),
    )


def test_bank_is_large_valid_and_without_duplicates(entries: list[dict[str, object]]) -> None:
    assert len(entries) >= 60
    questions = [_question(e) for e in entries]
    for q in questions:
        assert validate_question(q) == [], q.text
    texts = [q.text for q in questions]
    assert len(texts) == len(set(texts))
    assert len({q.correct_letter for q in questions}) >= 3


def test_sources_are_documents_named_in_the_seed(
    entries: list[dict[str, object]], seed: str
) -> None:
    known = set(DOC_NUMBER.findall(seed))
    used = set()
    for entry in entries:
        match = DOC_NUMBER.search(str(entry["source"]))
        assert match, f"no document number in source {entry['source']!r}"
        assert match.group(1) in known, entry["source"]
        used.add(match.group(1))
    assert used >= LISTED_DOCUMENTS, sorted(LISTED_DOCUMENTS - used)


def test_numbers_and_dates_in_correct_options_occur_in_the_seed(
    entries: list[dict[str, object]], seed: str
) -> None:
    seed_dates = set(DATE.findall(seed))
    seed_numbers = set(LONG_NUMBER.findall(seed))
    for entry in entries:
        q = _question(entry)
        right = q.options[q.correct]
        for date in DATE.findall(right):
            assert date in seed_dates, f"{date} in {right!r} is not in the seed"
        for number in LONG_NUMBER.findall(right):
            assert number in seed_numbers, f"{number} in {right!r} is not in the seed"
