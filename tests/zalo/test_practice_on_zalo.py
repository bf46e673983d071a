"""Practice on Zalo: typed "thi thử", answers typed as letters, each answer followed by whether
it was right and why (the echo a real attempt leaves out is what practice is for)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from bot.config import Settings
from questions.model import LETTERS
from tests.fake_zalo import FakeZalo
from tests.support.lists import contest_with
from tests.zalo.participant import ZaloParticipant

PRACTICE_BANK = Path(__file__).resolve().parents[1] / "data" / "banks" / "thi-thu.yaml"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    contest = contest_with(tmp_path, practice_bank=PRACTICE_BANK)
    return settings.model_copy(update={"contest_file": contest})


async def _right_and_wrong(app: App, user_id: str) -> tuple[str, str, str]:
    """(right letter, a wrong letter, the right option's text) of the practice question shown."""
    person = await app.svc.participants.by_account("zalo", user_id)
    assert person is not None
    assert person.id is not None
    live = await app.svc.practice.get(person.id)
    assert live is not None
    qid = live.question_ids[live.next_index]
    q = (await app.svc.pool.get_many([qid]))[qid]
    right = LETTERS[live.orders[live.next_index].index(q.correct)]
    return right, next(x for x in "ABC" if x != right), q.options[q.correct]


async def test_a_zalo_participant_practises_by_typing(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    first = await an.say("thi thử", "Thi thử · Câu 1/4")
    assert "Trả lời bằng cách gõ A, B" in first.shown
    assert "bấm" not in first.shown.lower()

    right, wrong, text = await _right_and_wrong(app, an.id)
    seq = zl.last_seq()
    await an.say(wrong.lower(), "Thi thử · Câu 2/4")
    echo, following = an.said_since(seq)
    assert echo.startswith("🎯 Thi thử · Câu 1/4")  # the verdict says the answer is taken
    assert f"Bạn đã chọn: {wrong}." in echo
    assert f"❌ Chưa đúng. Đáp án đúng: {right}. {text}" in echo
    assert following.startswith("🎯 Thi thử · Câu 2/4")

    for n in (3, 4):
        right, _, _ = await _right_and_wrong(app, an.id)
        await an.say(right, f"Thi thử · Câu {n}/4")
    right, _, _ = await _right_and_wrong(app, an.id)
    seq = zl.last_seq()
    done = await an.say(right, "Xong bài thi thử")
    assert "✅ Đúng!" in an.said_since(seq)[0]
    assert done.shown.startswith("🎯 Xong bài thi thử: bạn trả lời đúng 3/4 câu.")
    assert done.shown.endswith("1. 🎯 Thi thử\n2. ✍️ Vào thi\nGõ số để chọn.")
    zl.assert_no_violations()
