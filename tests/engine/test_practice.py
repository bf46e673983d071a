"""Practice (/thithu): a resident practises any time from a bank that is not the live round's,
is told after each answer whether it was right and why, and nothing of it ever counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App
from bot.config import Settings
from handlers.answer_tokens import practice_token
from questions import load_bank
from storage.models import Attempt
from tests.support.client import Person
from tests.support.lists import contest_with
from tests.test_console import REGISTER, chat

ROOT = Path(__file__).resolve().parents[2]
PRACTICE_BANK = ROOT / "tests" / "data" / "banks" / "thi-thu.yaml"
PRACTICE = load_bank(PRACTICE_BANK).questions


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    contest = contest_with(tmp_path, practice_bank=PRACTICE_BANK)
    return settings.model_copy(update={"contest_file": contest})


async def _showing(app: App, person: Person) -> tuple[str, str]:
    """(right letter, a wrong letter) of the practice question showing now."""
    svc = app.svc
    live = await svc.practice.get(await person.participant_id())
    assert live is not None
    qid = live.question_ids[live.next_index]
    q = (await svc.pool.get_many([qid]))[qid]
    order = live.orders[live.next_index]
    right = "ABCD"[order.index(q.correct)]
    return right, next(x for x in "ABC" if x != right)


async def test_practice_says_right_or_wrong_with_the_explanation_and_counts_nothing(
    app: App, person: Person
) -> None:
    await person.register()
    await person.send("/start")
    await person.tap("🎯 Thi thử")
    assert person.texts(person.replies)[0] == (
        "🎯 Thi thử: 4 câu hỏi, không giới hạn thời gian, không tính điểm, không xếp hạng. "
        "Sau mỗi câu, bạn biết ngay mình đúng hay sai và vì sao."
    )
    assert person.said.split("\n")[1] == "🎯 Thi thử · Câu 1/4"

    for i in range(4):
        right, wrong = await _showing(app, person)
        live = await app.svc.practice.get(await person.participant_id())
        assert live is not None
        q = (await app.svc.pool.get_many([live.question_ids[i]]))[live.question_ids[i]]
        await person.tap(right if i % 2 == 0 else wrong)
        if i % 2 == 0:
            assert person.notices() == ["Đã ghi nhận"]
            assert f"Bạn đã chọn: {right}. {q.options[q.correct]}\n✅ Đúng!" in person.said
        else:
            assert person.notices() == ["Đã ghi nhận"]
            assert f"❌ Chưa đúng. Đáp án đúng: {right}. {q.options[q.correct]}" in person.said
        if q.explanation:
            assert f"💡 {q.explanation}\n📖 Nguồn: {q.source}" in person.said
        else:
            assert "💡" not in person.said

    assert person.messages()[-1].text.startswith("🎯 <b>Xong bài thi thử</b>: bạn trả lời đúng 2/4")
    assert person.offered("🎯 Thi thử")
    assert person.offered("✍️ Vào thi")
    assert await app.svc.practice.get(await person.participant_id()) is None
    async with app.db.session() as s:
        assert (await s.exec(select(Attempt))).all() == []
    await person.send("/diem")
    assert person.said == "Kết quả của bạn\n\nQuý 1: bạn chưa thi lượt nào."


async def test_practice_never_draws_a_question_of_the_live_bank(app: App, person: Person) -> None:
    live_texts = {q.text for _, q in await app.svc.pool.active()}
    await person.register()
    await person.send("/thithu")

    live = await app.svc.practice.get(await person.participant_id())
    assert live is not None
    drawn = await app.svc.pool.get_many(live.question_ids)
    assert sorted(q.text for q in drawn.values()) == sorted(q.text for q in PRACTICE)
    assert not live_texts & {q.text for q in drawn.values()}


async def test_practice_is_unlimited_and_leaves_attempt_limits_alone(
    app: App, person: Person
) -> None:
    await person.register()
    for _ in range(3):
        await person.send("/thithu")
        for _ in range(4):
            right, _ = await _showing(app, person)
            await person.send(right)
        assert "Xong bài thi thử: bạn trả lời đúng 4/4 câu." in person.said

    await person.take_attempt(correct=7)
    assert "Số câu đúng: 7/10" in person.said
    assert "Lượt thi còn lại hôm nay: 0" in person.said


async def test_a_double_tap_on_a_practice_option_counts_once(app: App, person: Person) -> None:
    await person.register()
    await person.send("/thithu")
    first = person.last_question()
    right, _ = await _showing(app, person)
    await person.tap(right)
    assert "Câu 2/4" in person.said

    token = next(b.token for b in first.buttons[0] if b.label == right)
    await person.tap_token(token, ref="m1")
    assert person.notices() == ["Câu này bạn đã trả lời rồi."]
    assert person.messages() == []
    live = await app.svc.practice.get(await person.participant_id())
    assert live is not None
    assert live.next_index == 1
    assert set(live.answers) == {0}


async def test_someone_elses_practice_button_changes_nothing(app: App, person: Person) -> None:
    await person.register()
    await person.send("/thithu")
    live = await app.svc.practice.get(await person.participant_id())
    assert live is not None
    other = Person.on(app, "telegram", "2002", "Bình")
    await other.register(name="Trần Thị Bình", phone="0987654321")

    await other.tap_token(practice_token(live.code, 0, 1, await person.participant_id()))

    assert other.notices() == ["Nút này không còn hiệu lực."]
    after = await app.svc.practice.get(await person.participant_id())
    assert after is not None
    assert after.answers == {}


async def test_practice_is_refused_during_a_real_attempt(app: App, person: Person) -> None:
    await person.register()
    await person.send("/thi")
    await person.tap("A")

    await person.send("/thithu")

    assert person.said == (
        "Bạn đang làm một lượt thi thật nên chưa thi thử được. Bạn làm xong lượt thi này trước "
        'nhé (bấm "Vào thi" hoặc gõ /thi để tiếp tục).'
    )
    assert await app.svc.practice.get(await person.participant_id()) is None
    live = await person.live()
    assert live is not None
    assert live.next_index == 1


async def test_starting_the_real_attempt_ends_practice_and_old_practice_buttons_do_nothing(
    app: App, person: Person
) -> None:
    await person.register()
    await person.send("/thithu")
    practice_question = person.last_question()

    await person.send("/thi")

    assert person.texts(person.replies)[0] == (
        "Bài thi thử đang làm dở đã dừng để bạn vào thi thật (thi thử không tính điểm)."
    )
    assert "Câu 1/10" in person.said
    await person.tap_token(practice_question.buttons[0][0].token, ref="m9")
    assert person.notices() == ["Bài thi thử này đã kết thúc."]
    live = await person.live()
    assert live is not None
    assert live.answers == {}


async def test_an_unregistered_person_is_asked_to_register_first(app: App, person: Person) -> None:
    await person.send("/thithu")
    assert person.said == "Bạn cần đăng ký trước khi thi thử."
    assert person.offered("📝 Đăng ký")


async def test_practice_typed_thi_thu_in_the_console(app: App) -> None:
    said = await chat(app, *REGISTER, "1", "1", "1", "thi thử", "A")

    assert "🎯 Thi thử · Câu 1/4" in said
    assert "Bạn đã chọn: A." in said
    assert ("✅ Đúng!" in said) != ("❌ Chưa đúng. Đáp án đúng:" in said)
    assert "🎯 Thi thử · Câu 2/4" in said
    assert "bấm" not in said.lower()
