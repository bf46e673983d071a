"""Type to search in a list: without diacritics, any part of a name, over two levels, in a
list of 500; the best matches first, and a name typed whole taken without asking."""

from __future__ import annotations

import time

import pytest

from handlers.lists import MAX_UNIT, NameList, read_list
from handlers.lists.names import Row, build
from tests.support.lists import HOA_SON, PROVINCE, five_hundred_units, matching, unaccented

LIMIT = 8


def _matching(names: NameList, typed: str) -> set[str]:
    return set(matching(list(names), typed))


@pytest.fixture(scope="module")
def places() -> NameList:
    return read_list(HOA_SON, max_label=100)


@pytest.fixture(scope="module")
def units() -> NameList:
    rows = [Row(f"dòng {i}", n, "", str(h)) for i, (n, h) in enumerate(five_hundred_units())]
    names, problems = build(rows, max_label=MAX_UNIT)
    assert problems == []
    return names


@pytest.mark.parametrize("typed", ["thanh hung", "Thanh Hưng", "THANH HUNG", "phuong thanh hung"])
def test_a_whole_name_with_or_without_diacritics_is_taken_without_asking(
    places: NameList, typed: str
) -> None:
    found = places.search(typed, LIMIT)

    assert found.exact is not None
    assert places[found.exact] == f"Phường Thanh Hưng, {PROVINCE}"
    assert places.named(typed) == f"Phường Thanh Hưng, {PROVINCE}"


def test_a_ward_and_a_commune_of_the_same_name_are_both_offered(places: NameList) -> None:
    found = places.search("dong hoa", LIMIT)

    assert found.exact is None
    assert [places[i] for i in found.positions[:2]] == [
        f"Phường Đông Hòa, {PROVINCE}",
        f"Xã Đông Hòa, {PROVINCE}",
    ]
    assert places.named("dong hoa") is None
    assert places.named("xa dong hoa") == f"Xã Đông Hòa, {PROVINCE}"


@pytest.mark.parametrize("typed", ["hung", "thanh", "an", "son", "gia", "phu", "xa", "ư"])
def test_any_part_of_a_name_finds_every_name_holding_it_best_first(
    places: NameList, typed: str
) -> None:
    found = places.search(typed, LIMIT)

    expected = _matching(places, typed)
    assert found.total == len(expected)
    assert len(found.positions) == min(LIMIT, len(expected))
    assert {places[i] for i in found.positions} <= expected
    # Names that start with what was typed (after the kind of place) come first.
    starts = [
        unaccented(places.entries[i].name).split(" ", 1)[1].startswith(unaccented(typed))
        for i in found.positions
    ]
    assert starts == sorted(starts, reverse=True)


def test_words_may_come_from_the_name_and_the_level_above(places: NameList) -> None:
    found = places.search("thanh hung hoa son", LIMIT)

    assert [places[i] for i in found.positions] == [f"Phường Thanh Hưng, {PROVINCE}"]
    assert found.total == 1


def test_a_province_name_alone_matches_every_entry_and_offers_the_first_eight(
    places: NameList,
) -> None:
    found = places.search("hoa son", LIMIT)

    assert found.total == len(places) == 129
    assert len(found.positions) == LIMIT


def test_nothing_typed_or_no_letters_in_common_finds_nothing(places: NameList) -> None:
    assert places.search("", LIMIT).total == 0
    assert places.search("!!!", LIMIT).total == 0
    assert places.search("ha noi", LIMIT).total == 0


def test_a_list_of_500_units_is_searched_by_any_part_without_diacritics(units: NameList) -> None:
    assert len(units) == 500

    schools = units.search("thcs", LIMIT)
    assert schools.total == len(_matching(units, "thcs")) == 125
    assert len(schools.positions) == LIMIT
    assert all(units[i].startswith("Trường THCS ") for i in schools.positions)

    one = units.search("thcs thanh hung", LIMIT)
    assert [units[i] for i in one.positions] == ["Trường THCS phường Thanh Hưng"]
    assert one.exact is None  # part of the name: offered to pick, not taken

    exact = units.search("truong thcs phuong thanh hung", LIMIT)
    assert exact.exact is not None
    assert units[exact.exact] == "Trường THCS phường Thanh Hưng"


def test_searching_500_units_stays_fast(units: NameList) -> None:
    # What every typed search costs a participant's message: about a millisecond at most.
    started = time.perf_counter()
    for typed in ("thcs", "tram y te xa", "uy ban nhan dan phuong", "zzz") * 25:
        units.search(typed, LIMIT)
    assert (time.perf_counter() - started) / 100 < 0.01
