"""Participation per unit and per locality against the lists' headcounts: the workbook's
"Thống kê" sheet and /admin's 📈 give what the test works out from who took part."""

from __future__ import annotations

import io
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from handlers.reports import results_workbook
from handlers.reports.participation import (
    PARENT_TITLE,
    RATE_HEADERS,
    UNLISTED,
)
from handlers.reports.sheets import LOCALITY_HEADERS, LOCALITY_TITLE, UNIT_HEADERS, UNIT_TITLE
from tests.support.client import Person
from tests.units_round import LOCALITIES, TAKERS, TYPED_UNIT, UNITS, close, contest_file, play

Figures = tuple[int, int, int | None]  # participants, attempts, headcount


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"contest_file": contest_file(tmp_path)})


def _label(entry: dict[str, object]) -> str:
    return f"{entry['name']}, {entry['parent']}" if "parent" in entry else str(entry["name"])


def _expected(field: str, listed: Iterable[dict[str, object]]) -> dict[str, Figures]:
    """Each list entry's figures (zero when nobody took part), then the values taken by
    participants that the list does not hold, from TAKERS alone."""
    counted: dict[str, tuple[int, int]] = {}
    for t in TAKERS:
        if t.attempts:
            people, attempts = counted.get(getattr(t, field), (0, 0))
            counted[getattr(t, field)] = (people + 1, attempts + t.attempts)
    out: dict[str, Figures] = {}
    for entry in listed:
        label = _label(entry)
        people, attempts = counted.pop(label, (0, 0))
        headcount = entry.get("headcount")
        out[label] = (people, attempts, headcount if isinstance(headcount, int) else None)
    out.update({name: (p, a, None) for name, (p, a) in counted.items()})
    return out


def _section(rows: list[list[object]], title: str) -> list[list[object]]:
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    end = next(i for i in range(start, len(rows)) if all(v is None for v in rows[i]))
    return rows[start + 1 : end]


async def _stats_rows(app: App, clock: ManualClock) -> list[list[object]]:
    await play(app, clock)
    results = await close(app, clock)
    wb = load_workbook(io.BytesIO(await results_workbook(app.svc, results)))
    return [list(r) for r in wb["Thống kê"].iter_rows(values_only=True)]


async def test_each_unit_has_its_participants_attempts_headcount_and_rate(
    app: App, clock: ManualClock
) -> None:
    rows = await _stats_rows(app, clock)

    units = _section(rows, UNIT_TITLE)
    assert units[0][:6] == [*UNIT_HEADERS, *RATE_HEADERS, "Ghi chú"]
    body, total = units[1:-1], units[-1]
    expected = _expected("unit", UNITS)
    assert {r[0]: (r[1], r[2], r[3]) for r in body} == expected
    for r in body:
        people, _, headcount = expected[str(r[0])]
        assert r[4] == (pytest.approx(people / headcount) if headcount else None)
        assert r[5] == (UNLISTED if r[0] == TYPED_UNIT else None)
    # Those who took part first, most first; then the list's idle units; then the rest.
    names = [r[0] for r in body]
    assert names.index("Sở Tài chính") == 0
    assert names.index("Ủy ban nhân dân xã Gia Hưng") == len(names) - 2
    assert names[-1] == TYPED_UNIT
    # The total's rate is of the units that give a headcount only.
    against = [(p, h) for p, _, h in expected.values() if h]
    assert total[:4] == [
        "Tổng cộng",
        sum(p for p, _, _ in expected.values()),
        sum(a for _, a, _ in expected.values()),
        sum(h for _, h in against),
    ]
    assert total[4] == pytest.approx(sum(p for p, _ in against) / sum(h for _, h in against))


async def test_each_locality_and_each_district_has_its_figures(
    app: App, clock: ManualClock
) -> None:
    rows = await _stats_rows(app, clock)

    places = _section(rows, LOCALITY_TITLE)
    assert places[0][:7] == [*LOCALITY_HEADERS, *RATE_HEADERS, "Thuộc", "Ghi chú"]
    expected = _expected("locality", LOCALITIES)
    assert {r[0]: (r[1], r[2], r[3]) for r in places[1:-1]} == expected
    parent_of = {_label(e): e["parent"] for e in LOCALITIES}
    assert {r[0]: r[5] for r in places[1:-1]} == parent_of

    districts = _section(rows, PARENT_TITLE)
    by_district: dict[str, list[Figures]] = {}
    for label, figures in expected.items():
        by_district.setdefault(str(parent_of[label]), []).append(figures)
    want = {}
    for district, figures in by_district.items():
        headcounts = [h for _, _, h in figures if h]
        counted = sum(p for p, _, h in figures if h)
        want[district] = (
            sum(p for p, _, _ in figures),
            sum(a for _, a, _ in figures),
            sum(headcounts) if headcounts else None,
            pytest.approx(counted / sum(headcounts)) if headcounts else None,
        )
    assert {r[0]: (r[1], r[2], r[3], r[4]) for r in districts[1:-1]} == want


def _rate(people: int, headcount: int) -> str:
    tenths = round(Fraction(people * 1000, headcount))
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}%"


async def test_admin_shows_each_units_participation_against_its_headcount(
    app: App, clock: ManualClock
) -> None:
    await play(app, clock)
    app.svc.admins = frozenset({"telegram:9000"})
    organiser = Person.on(app, "telegram", "9000", "Ban Tổ chức")
    await organiser.send("/admin")
    await organiser.tap("📈 Tham gia theo đơn vị")

    said = organiser.said
    assert "Tham gia Quý 1 (tạm tính, đợt đang mở)" in said
    expected = _expected("unit", UNITS)
    assert f"Người tham gia: {sum(p for p, _, _ in expected.values())}" in said
    for name, (people, attempts, headcount) in expected.items():
        if not people:
            continue
        shown = (
            f"{people}/{headcount} người ({_rate(people, headcount)})"
            if headcount
            else (f"{people} người")
        )
        line = f"• {name}: {shown}, {attempts} lượt thi"
        if name == TYPED_UNIT:
            line += " (ngoài danh sách)"
        assert line in said.splitlines(), said
    assert "Chưa có ai tham gia: 1/5 mục của danh sách" in said
    # The collective prizes as they would be given now.
    assert "Giải tập thể (tạm tính, đợt đang mở)" in said
