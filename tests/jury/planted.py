"""A round with cheaters planted among honest people, closed by the calendar for the jury.

Prizes: one first, one second, two third. Seven took part (the actual figure is 7):

| who    | channel, phone                          | right | prediction | per question |
| ------ | --------------------------------------- | ----- | ---------- | ------------ |
| Bot    | Telegram, verified                      | 10    | 5          | 0.4 s        |
| Zalo   | Zalo, typed: Vân's verified phone: held | 9     | 5          | 9 s          |
| Hùng   | Telegram, verified                      | 8     | 7 (exact)  | 9 s          |
| Edited | Telegram; name changed by an organiser  | 8     | 6          | 8 s          |
|        | after the attempt                       |       |            |              |
| Hải    | Telegram, verified                      | 7     | 5          | 6 s          |
| Hoa    | Telegram, verified                      | 7     | 5          | 12 s         |
| Vân    | Telegram, verified                      | 6     | 5          | 10 s         |
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from bot.clock import ManualClock
from handlers import identity
from tests.support.client import Person

PRIZES = [
    {"tier": "first", "name": "Giải Nhất", "count": 1},
    {"tier": "second", "name": "Giải Nhì", "count": 1},
    {"tier": "third", "name": "Giải Ba", "count": 2},
]
VAN_PHONE = "0987000007"


@dataclass
class Planted:
    people: dict[str, Person]
    ids: dict[str, int]

    def uid(self, who: str) -> str:
        return self.people[who].user.id


async def take(
    person: Person, clock: ManualClock, *, correct: int, prediction: int, seconds: float
) -> None:
    """An attempt answered at `seconds` a question (the clock moves as the person reads)."""
    await person.send("/thi")
    total = person.app.contest.rules.questions_per_attempt
    for i in range(total):
        clock.advance(seconds=seconds)
        await person.answer(i < correct)
    clock.advance(seconds=5)
    await person.send(str(prediction))
    clock.advance(minutes=20)


async def plant(app: App, clock: ManualClock) -> Planted:
    """Register the seven and let each take one attempt; the organiser then edits one name."""
    app.svc.contest = app.svc.contest.model_copy(
        update={"prizes": [type(app.svc.contest.prizes[0]).model_validate(p) for p in PRIZES]}
    )
    rows = [
        ("bot", "telegram", "11", "Lý Văn Máy", "0987000001", False, 10, 5, 0.4),
        ("van", "telegram", "17", "Đỗ Thị Vân", VAN_PHONE, False, 6, 5, 10),
        ("zalo", "zalo", "z2", "Trịnh Văn Giả", VAN_PHONE, True, 9, 5, 9),
        ("hung", "telegram", "13", "Phan Văn Hùng", "0987000003", False, 8, 7, 9),
        ("edited", "telegram", "14", "Vũ Văn Sửa", "0987000004", False, 8, 6, 8),
        ("hai", "telegram", "15", "Ngô Văn Hải", "0987000005", False, 7, 5, 6),
        ("hoa", "telegram", "16", "Bùi Thị Hoa", "0987000006", False, 7, 5, 12),
    ]
    people, ids = {}, {}
    for who, channel, uid, name, phone, typed, right, prediction, seconds in rows:
        p = Person.on(app, channel, uid, name)
        await p.register(name=name, phone=phone, typed_phone=typed)
        await take(p, clock, correct=right, prediction=prediction, seconds=seconds)
        people[who], ids[who] = p, await p.participant_id()
    await identity.edit(
        app.svc,
        ids["edited"],
        identity.Changes(full_name="Vũ Văn Sửa Đổi"),
        reason="Người dự thi gọi điện xin sửa tên",
        actor="cli:thuky",
    )
    return Planted(people, ids)
