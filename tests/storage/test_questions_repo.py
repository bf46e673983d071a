"""Questions: a new bank replaces the active one, and the old questions stay for past attempts."""

from __future__ import annotations

from datetime import timedelta

from questions import Question
from storage.db import Database
from storage.repos import Questions
from tests.storage.data import BANK, T0

NEW_BANK = [
    Question(text="Ngày Chuyển đổi số quốc gia là ngày nào?", options=("10/10", "3/6"), correct=0),
    Question(text="Chuyển đổi số là xu thế tất yếu?", options=("Đúng", "Sai"), correct=0),
]


async def test_replacing_the_bank_keeps_old_rows_inactive_and_findable(db: Database) -> None:
    repo = Questions(db)
    await repo.replace_active("bank-1", BANK, T0)
    old = await repo.active()

    count = await repo.replace_active("bank-2", NEW_BANK, T0 + timedelta(days=1))

    assert count == 2
    active = await repo.active()
    assert [q for _, q in active] == NEW_BANK
    signature = await repo.active_bank()
    assert signature is not None
    assert signature[:2] == ("bank-2", 2)
    old_ids = [qid for qid, _ in old]
    assert not set(old_ids) & {qid for qid, _ in active}
    assert await repo.by_ids(old_ids) == dict(old)


async def test_empty_database_has_no_active_bank(db: Database) -> None:
    repo = Questions(db)

    assert await repo.active_bank() is None
    assert await repo.active() == []
    assert await repo.by_ids([1, 2]) == {}


async def test_questions_come_back_as_they_were_stored(db: Database) -> None:
    repo = Questions(db)
    await repo.replace_active("bank-1", BANK, T0)

    assert [q for _, q in await repo.active()] == BANK


async def test_an_explanation_is_stored_with_its_question(db: Database) -> None:
    repo = Questions(db)
    explained = Question(
        text="Ngày Chuyển đổi số quốc gia là ngày nào?",
        options=("10/10", "3/6"),
        correct=0,
        source="Quyết định số 505/QĐ-TTg",
        explanation=(
            "Quyết định số 505/QĐ-TTg lấy ngày 10/10 hằng năm là Ngày Chuyển đổi số quốc gia."
        ),
    )
    await repo.replace_active("bank-1", [explained], T0)

    [(qid, stored)] = await repo.active()

    assert stored == explained
    assert await repo.by_ids([qid]) == {qid: explained}


async def test_a_picture_is_stored_once_and_its_question_keeps_its_key(db: Database) -> None:
    repo = Questions(db)
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
    pictured = Question(
        text="Biểu tượng trong ảnh là của ứng dụng nào?",
        options=("VNeID", "Zalo"),
        correct=0,
        image="images/vneid.png",
    )
    await repo.replace_active("bank-1", [pictured], T0, {"images/vneid.png": png})
    await repo.replace_active("bank-2", [pictured], T0, {"images/vneid.png": png})

    [(_, stored)] = await repo.active()

    assert stored.image.endswith(".png")
    assert stored.image != "images/vneid.png"
    assert await repo.image(stored.image) == ("image/png", png)
    assert await repo.image("khong-co.png") is None
