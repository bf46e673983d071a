"""A round whose participants come from the organisers' lists: units with headcounts, a
two-level list of localities, a name typed after "Khác", residents, and collective prizes.
The statistics and collective prize tests work out what to expect from TAKERS alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import App
from bot.clock import ManualClock
from handlers.jury import actions as jury
from handlers.rounds import RoundResults, close_round, round_results
from tests.conftest import vn
from tests.support.client import Person
from tests.support.lists import contest_with

UNITS: list[dict[str, Any]] = [
    {"name": "Sở Tài chính", "headcount": 10},
    {"name": "Sở Y tế", "headcount": 4},
    {"name": "Trường THCS Gia Hòa", "headcount": 2},
    {"name": "Ủy ban nhân dân xã Gia Hưng", "headcount": 5},
    {"name": "Trạm Y tế xã Gia Hòa"},
]
LOCALITIES: list[dict[str, Any]] = [
    {"name": "Xã Gia Hòa", "parent": "Huyện Gia Viễn", "headcount": 100},
    {"name": "Xã Gia Hưng", "parent": "Huyện Gia Viễn", "headcount": 40},
    {"name": "Phường Nam Thành", "parent": "Thành phố Ninh Bình", "headcount": 50},
    {"name": "Phường Tân Thành", "parent": "Thành phố Ninh Bình"},
]
RATE_PRIZE = "Giải tập thể: tỉ lệ tham gia cao nhất"
MOST_PRIZE = "Giải tập thể: đông người tham gia nhất"
PLACE_PRIZE = "Giải địa bàn tích cực"
PRIZES: list[dict[str, Any]] = [
    {"name": RATE_PRIZE, "among": "units", "by": "rate", "count": 2, "min_headcount": 3},
    {"name": MOST_PRIZE, "among": "units", "by": "participants"},
    {"name": PLACE_PRIZE, "among": "localities", "by": "rate"},
]
GIA_HOA = "Xã Gia Hòa, Huyện Gia Viễn"
GIA_HUNG = "Xã Gia Hưng, Huyện Gia Viễn"
NAM_THANH = "Phường Nam Thành, Thành phố Ninh Bình"
RESIDENT = "Người dân"
TYPED_UNIT = "Công ty TNHH Hoa Sơn"


@dataclass(frozen=True)
class Taker:
    """Someone registered, and how many attempts they make (on as many days)."""

    uid: str
    name: str
    locality: str
    unit: str
    attempts: int
    typed_unit: bool = False

    @property
    def phone(self) -> str:
        return f"09100000{int(self.uid):02d}"


_NAMES = [
    "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
    "Vũ Thị Gấm", "Đặng Văn Hải", "Bùi Thị Hoa", "Đỗ Văn Khoa", "Hồ Thị Lan",
    "Ngô Văn Minh", "Dương Thị Nga", "Lý Văn Phúc", "Mai Thị Quỳnh",
]  # fmt: skip
_PLAN = [
    (GIA_HOA, "Sở Tài chính", 1),
    (GIA_HOA, "Sở Tài chính", 2),
    (GIA_HUNG, "Sở Tài chính", 1),
    (NAM_THANH, "Sở Tài chính", 1),
    (NAM_THANH, "Sở Tài chính", 1),
    (GIA_HOA, "Sở Y tế", 2),
    (GIA_HUNG, "Sở Y tế", 1),
    (GIA_HOA, "Trường THCS Gia Hòa", 1),
    (GIA_HOA, "Trường THCS Gia Hòa", 2),
    (NAM_THANH, "Trạm Y tế xã Gia Hòa", 1),
    (GIA_HUNG, RESIDENT, 1),
    (NAM_THANH, TYPED_UNIT, 2),
    (GIA_HOA, "Ủy ban nhân dân xã Gia Hưng", 0),  # registered, never took part
]
TAKERS = [
    Taker(str(i + 1), _NAMES[i], loc, unit, n, typed_unit=unit == TYPED_UNIT)
    for i, (loc, unit, n) in enumerate(_PLAN)
]


def contest_file(tmp_path: Path) -> Path:
    """contest.yaml with these lists and prizes (written inline, as the old form allows)."""
    return contest_with(tmp_path, localities=LOCALITIES, units=UNITS, collective_prizes=PRIZES)


async def register(app: App, t: Taker) -> Person:
    person = Person.on(app, "telegram", t.uid, t.name)
    if not t.typed_unit:
        unit = None if t.unit == RESIDENT else t.unit
        await person.register(name=t.name, phone=t.phone, locality=t.locality, unit=unit)
        return person
    await person.send("/dangky")
    await person.send(t.name)
    await person.share_contact(t.phone)
    await person.send("1990")
    await person.tap(t.locality)
    await person.tap("Khác")
    await person.send(t.unit)
    await person.tap("✅ Đồng ý")
    await person.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in person.said
    return person


async def play(app: App, clock: ManualClock) -> dict[str, Person]:
    """Everyone registers on 20/02; each makes their attempts, one a day from then."""
    people = {t.uid: await register(app, t) for t in TAKERS}
    for day in range(max(t.attempts for t in TAKERS)):
        clock.set(vn(2023, 2, 20 + day, 9, 0))
        for t in TAKERS:
            if t.attempts > day:
                await people[t.uid].take_attempt(correct=5)
                clock.advance(minutes=3)
    return people


async def close(app: App, clock: ManualClock) -> RoundResults:
    """Close 2023-Q1 on its day, and approve its results (which announces them)."""
    clock.set(vn(2023, 3, 31, 0, 0))
    await close_round(app.svc, "2023-Q1", actor="test")
    await jury.approve(app.svc, "2023-Q1", "test")
    return await round_results(app.svc, "2023-Q1")
