"""Collective prizes: the order of units (or localities) by participation, worked out here
independently of handlers.collective, ties broken by the documented rule; decided once at
closing, stored as they were then, shown in the workbook and the results announcement."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from handlers.announce import results_key
from handlers.collective import standings
from handlers.contest import CollectivePrize
from handlers.lists import Listed, NameList
from handlers.participation import Line
from handlers.reports import results_workbook
from handlers.reports.participation import COLLECTIVE_HEADERS, COLLECTIVE_TITLE
from handlers.rounds import RoundResults, close_round
from storage.models import AuditEntry, Broadcast
from tests.units_round import (
    LOCALITIES,
    PRIZES,
    TAKERS,
    UNITS,
    close,
    contest_file,
    play,
)

By = Literal["rate", "participants"]


# ---------------------------------------------------------------- the rule, written again


def _eligible(prize: CollectivePrize, line: Line, names: NameList) -> bool:
    if line.name not in names or not line.listed or line.participants == 0:
        return False
    if line.headcount is None:
        return prize.by == "participants" and prize.min_headcount == 0
    return line.headcount >= prize.min_headcount


def _compare(a: Line, b: Line, *, by: By, names: NameList) -> int:
    """Negative when a comes before b. Rates are compared by cross-multiplying."""

    def rate_order() -> int:
        if a.headcount is None or b.headcount is None:
            return (a.headcount is None) - (b.headcount is None)
        return b.participants * a.headcount - a.participants * b.headcount

    steps = [rate_order, lambda: b.participants - a.participants]
    if by == "participants":
        steps.reverse()
    for step in [*steps, lambda: b.attempts - a.attempts]:
        if (order := step()) != 0:
            return order
    return list(names).index(a.name) - list(names).index(b.name)


def _reference(prize: CollectivePrize, lines: Sequence[Line], names: NameList) -> list[Line]:
    chosen = [line for line in lines if _eligible(prize, line, names)]
    key = functools.cmp_to_key(functools.partial(_compare, by=prize.by, names=names))
    return sorted(chosen, key=key)


NAMES = NameList([Listed(f"Đơn vị số {i}") for i in range(12)])


@st.composite
def _lines(draw: st.DrawFn) -> list[Line]:
    """Figures for some units of NAMES (with many ties), and a name not in the list."""
    positions = draw(st.lists(st.integers(0, 11), unique=True, max_size=12))
    out = []
    for i in positions:
        headcount = draw(st.one_of(st.none(), st.sampled_from([1, 2, 3, 4, 6, 8, 12])))
        people = draw(st.integers(0, 8))
        attempts = people + draw(st.integers(0, 2))
        out.append(Line(NAMES[i], people, attempts, headcount))
    if draw(st.booleans()):
        out.append(Line("Công ty ngoài danh sách", 9, 9, None, listed=False))
    return out


@settings(max_examples=300, deadline=None)
@given(
    lines=_lines(),
    by=st.sampled_from(["rate", "participants"]),
    least=st.sampled_from([0, 1, 3, 5]),
)
def test_the_order_is_the_documented_rule(lines: list[Line], by: By, least: int) -> None:
    prize = CollectivePrize(name="Giải", by=by, min_headcount=least, count=3)

    assert standings(prize, lines, NAMES) == _reference(prize, lines, NAMES)


def test_equal_figures_go_to_the_unit_listed_first() -> None:
    later, earlier = Line(NAMES[7], 3, 4, 6), Line(NAMES[2], 3, 4, 6)
    for by in ("rate", "participants"):
        prize = CollectivePrize(name="Giải", by=by)
        assert standings(prize, [later, earlier], NAMES) == [earlier, later]


def test_an_equal_rate_goes_to_more_participants_then_more_attempts() -> None:
    half_of_four = Line(NAMES[0], 2, 2, 4)
    half_of_ten = Line(NAMES[1], 5, 5, 10)
    half_of_ten_busier = Line(NAMES[2], 5, 9, 10)
    prize = CollectivePrize(name="Giải", by="rate")

    assert standings(prize, [half_of_four, half_of_ten, half_of_ten_busier], NAMES) == [
        half_of_ten_busier,
        half_of_ten,
        half_of_four,
    ]


# ---------------------------------------------------------------- at closing


@pytest.fixture(name="settings")
def _contest_with_prizes(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"contest_file": contest_file(tmp_path)})


def _figures(field: str, listed: Sequence[dict[str, object]]) -> tuple[list[Line], NameList]:
    """Each list entry's line from TAKERS alone, and the list."""
    entries = [
        Listed(
            str(e["name"]),
            str(e.get("parent", "")),
            e["headcount"] if isinstance(e.get("headcount"), int) else None,  # type: ignore[arg-type]
        )
        for e in listed
    ]
    lines = []
    for entry in entries:
        mine = [t for t in TAKERS if getattr(t, field) == entry.label and t.attempts]
        lines.append(Line(entry.label, len(mine), sum(t.attempts for t in mine), entry.headcount))
    return lines, NameList(entries)


def _expected() -> list[tuple[str, int, str, int, int, int | None]]:
    out = []
    for raw in PRIZES:
        prize = CollectivePrize.model_validate(raw)
        lines, names = _figures(
            "unit" if prize.among == "units" else "locality",
            (UNITS if prize.among == "units" else LOCALITIES),
        )
        for rank, line in enumerate(_reference(prize, lines, names)[: prize.count], start=1):
            out.append(
                (prize.name, rank, line.name, line.participants, line.attempts, line.headcount)
            )
    return out


async def _workbook_prizes(app: App, results: RoundResults) -> list[tuple[object, ...]]:
    """The collective prizes of the "Thống kê" sheet, checking each rate against its figures."""
    wb = load_workbook(io.BytesIO(await results_workbook(app.svc, results)))
    rows = [list(r) for r in wb["Thống kê"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == COLLECTIVE_TITLE)
    assert rows[start + 1][: len(COLLECTIVE_HEADERS)] == COLLECTIVE_HEADERS
    end = next(i for i in range(start, len(rows)) if all(v is None for v in rows[i]))
    shown = [r for r in rows[start + 2 : end] if isinstance(r[1], int)]
    for r in shown:
        assert r[6] == (pytest.approx(r[3] / r[5]) if r[5] else None)
    return [tuple(r[:6]) for r in shown]


async def test_collective_prizes_are_decided_at_closing_by_the_rule(
    app: App, clock: ManualClock
) -> None:
    await play(app, clock)
    await close(app, clock)

    stored = await app.svc.collective.of_round("2023-Q1")
    assert [
        (a.prize, a.rank, a.name, a.participants, a.attempts, a.headcount) for a in stored
    ] == _expected()
    # What the scenario was built to show: a tie on rate (5/10 and 2/4) goes to the unit
    # with more people, and a unit under the minimum headcount (2/2) cannot win by rate.
    assert [a.name for a in stored[:2]] == ["Sở Tài chính", "Sở Y tế"]


async def test_the_workbook_and_the_results_announcement_show_them(
    app: App, clock: ManualClock
) -> None:
    await play(app, clock)
    results = await close(app, clock)

    assert await _workbook_prizes(app, results) == _expected()

    async with app.svc.db.session() as s:
        post = (
            await s.exec(select(Broadcast).where(Broadcast.key == results_key("2023-Q1")))
        ).one()
    assert "• Giải tập thể: tỉ lệ tham gia cao nhất: Sở Tài chính (5/10 người tham gia, 50%)" in (
        post.text
    )
    assert "• Giải tập thể: tỉ lệ tham gia cao nhất: Sở Y tế (2/4 người tham gia, 50%)" in post.text
    assert "• Giải địa bàn tích cực: Phường Nam Thành, Thành phố Ninh Bình (4/50" in post.text


async def test_closing_again_or_later_changes_of_unit_leave_the_stored_prizes(
    app: App, clock: ManualClock
) -> None:
    people = await play(app, clock)
    await close(app, clock)
    before = await app.svc.collective.of_round("2023-Q1")

    # After closing, Sở Tài chính's five correct their unit to the school: counted now, the
    # school would have the most people.
    for t in TAKERS:
        if t.unit == "Sở Tài chính":
            await people[t.uid].send("/dangky")
            await people[t.uid].tap("✏️ Sửa")
            await people[t.uid].tap("Đơn vị")
            await people[t.uid].tap("Trường THCS Gia Hòa")
            await people[t.uid].tap("✅ Xác nhận")
    results = await close_round(app.svc, "2023-Q1", actor="test")

    assert await app.svc.collective.of_round("2023-Q1") == before
    # The workbook made now shows the prizes as closing gave them.
    assert await _workbook_prizes(app, results) == _expected()
    async with app.svc.db.session() as s:
        audit = [e.action for e in await s.exec(select(AuditEntry))]
    assert audit.count("round.collective") == 1
