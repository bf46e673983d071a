"""A small closed round the results workbook tests read back: four people, five attempts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from bot.clock import ManualClock
from handlers.jury import actions as jury
from handlers.rounds import RoundResults, close_round, round_results
from tests.conftest import vn
from tests.support.client import Person

SHEETS = ["Xếp hạng", "Giải thưởng", "Thông tin", "Thống kê", "Theo ngày"]


@dataclass(frozen=True)
class Entrant:
    uid: str
    name: str
    phone: str
    locality: str
    unit: str | None
    right: int
    prediction: int


AN = Entrant("1", "Nguyễn Văn An", "0912345678", "Hoa Lư", None, 9, 4)
BINH = Entrant("2", "Trần Thị Bình", "0987654321", "Kim Sơn", "Sở Y tế", 7, 4)
CUONG = Entrant("3", "Lê Văn Cường", "0355111222", "Hoa Lư", "Sở Y tế", 6, 4)
DUNG = Entrant("4", "Phạm Thị Dung", "0944555666", "Yên Mô", None, 8, 10)


async def close_with_four(
    app: App, clock: ManualClock, *, set_aside: Entrant | None = None
) -> RoundResults:
    """Four people in 2023-Q1 on a ten-question bank: every attempt sees every question.

    On 20/02 An (9 right), Bình (7) and Cường (6); on 21/02 Cường again (8 right, the attempt
    that counts) and Dung (8 right, but a worse prediction). Four took part. The round is
    closed on 31/03 and its results approved (the jury first setting aside `set_aside`).
    """
    bank = [q for _, q in await app.svc.questions.active()][:10]
    await app.svc.questions.replace_active("ten", bank, clock.now())
    people = {}
    for e in (AN, BINH, CUONG, DUNG):
        people[e.uid] = Person.on(app, "telegram", e.uid, e.name)
        await people[e.uid].register(name=e.name, phone=e.phone, locality=e.locality, unit=e.unit)
    for e in (AN, BINH, CUONG):
        await people[e.uid].take_attempt(correct=e.right, prediction=e.prediction)
        clock.advance(minutes=30)
    clock.set(vn(2023, 2, 21, 9, 0))
    await people[CUONG.uid].take_attempt(correct=8, prediction=4)
    clock.advance(minutes=30)
    await people[DUNG.uid].take_attempt(correct=DUNG.right, prediction=DUNG.prediction)
    clock.set(vn(2023, 3, 31, 0, 0))
    await close_round(app.svc, "2023-Q1", actor="test")
    if set_aside is not None:
        pid = await people[set_aside.uid].participant_id()
        await jury.set_aside(app.svc, "2023-Q1", pid, "Ban Giám khảo xác minh", "test")
    await jury.approve(app.svc, "2023-Q1", "test")
    return await round_results(app.svc, "2023-Q1")
