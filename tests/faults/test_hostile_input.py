"""Hostile input changes nothing and is answered with a clear Vietnamese message, never an error.

Hypothesis sends odd Unicode (bidirectional controls, zero-width characters, combining marks
with nothing to combine with, emoji sequences, NUL and other controls, up to 10,000 characters)
at every registration step and during a quiz, forged button data, out-of-range predictions, and
files that are not question banks or are far too big. Every answer must be a catalogue message
(no apology: nothing failed), and nothing stored may change, except that a value a step accepts
must come out clean: no control or format characters, NFC, within the step's length limits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import pytest
from aiogram.types import Chat, Document, Update
from aiogram.types import Message as TgMessage
from aiogram.types import User as TgUserObj
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.app import App
from handlers.events import Choice, Message, Notice, Reply, Text
from handlers.quiz import parse_prediction
from handlers.typed import answer_index
from tests.faults.support import telegram_channel
from tests.support.client import Person
from tests.support.stored import stored_attempts
from tests.telegram.client import TgUser

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
APOLOGY = "sự cố"
VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
ODD = [
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\u0301",  # combining acute accent
    "\u0323",  # combining dot below
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\u2028",  # line separator
    "👍🏽",
    "👨‍👩‍👧",
    "🇻🇳",
    "ﷺ",
    "Ⅻ",
    "²",
    "١",
    "１",
]
odd_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from([*ODD, "a", "Ă", " ", "ơ", "Nguyễn", "Văn"]), max_size=40).map(
        "".join
    ),
    st.builds(
        lambda name, junk, at: name[:at] + junk + name[at:],
        st.sampled_from(["Nguyễn Văn An", "0912345678", "1990", "Hoa Lư", "Sở Tư pháp", "123"]),
        st.lists(st.sampled_from(ODD), min_size=1, max_size=5).map("".join),
        st.integers(0, 12),
    ),
    st.builds(
        lambda piece, n: (piece * n)[:10_000],
        st.sampled_from(["a", "Ă ", "\u200b", "\u202eAn ", "👍", "9", "Nguyễn Văn An "]),
        st.integers(1000, 10_000),
    ),
)


def clean(value: str) -> bool:
    """What a stored value may contain: NFC text with no control or format characters."""
    return unicodedata.normalize("NFC", value) == value and not any(
        unicodedata.category(c) in {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"} for c in value
    )


def assert_clear(replies: list[Reply]) -> None:
    """Something was said, in Vietnamese, and it is not the apology for a failure."""
    texts = [r.text for r in replies if isinstance(r, Message | Notice)]
    assert texts, replies
    assert all(t.strip() for t in texts), texts
    assert any(VIETNAMESE.search(t) for t in texts), texts
    assert not any(APOLOGY in t for t in texts), texts


# ------------------------------------------------------------------ registration


STEPS = ["name", "phone", "birth", "locality", "unit", "consent", "confirm", "edit"]


async def to_step(person: Person, step: str) -> None:
    moves = [
        lambda: person.send("/dangky"),
        lambda: person.send("Nguyễn Văn An"),
        lambda: person.share_contact("0912345678"),
        lambda: person.send("1990"),
        lambda: person.tap("Hoa Lư"),
        lambda: person.tap("Người dân"),
        lambda: person.tap("✅ Đồng ý"),
        lambda: person.tap("✏️ Sửa"),
    ]
    for move in moves[: STEPS.index(step) + 1]:
        await move()


@pytest.mark.parametrize("step", STEPS)
@EXAMPLES
@given(text=odd_text)
@example(text="\u200fNguyễn Văn An")  # a unit was stored with the right-to-left mark
@example(text="\x00\x00")  # a unit of two NULs was stored: PostgreSQL and Excel refuse NUL
async def test_odd_text_at_a_registration_step_is_refused_or_stored_clean(
    app: App, step: str, text: str
) -> None:
    assume(not text.startswith("/"))
    person = Person.on(app, "telegram", "1001", "An")
    store = app.store
    if await store.conversation(person.user.key) == {}:
        await to_step(person, step)
    before = await store.conversation(person.user.key)

    replies = await person.event(Text(person.user, text))
    assert_clear(replies)
    after = await store.conversation(person.user.key)
    if after != before:
        for key in ("name", "phone", "birth", "locality", "unit"):
            if after.get(key) != before.get(key):
                assert clean(after[key]), (key, after[key])
                assert 2 <= len(after[key]) <= 200
        await store.save_conversation(person.user.key, before)
    assert await app.svc.participants.count() == 0


@EXAMPLES
@given(payload=odd_text)
@example(payload="\ud7fc")  # an unassigned code point was kept as the source
async def test_an_odd_start_payload_is_kept_clean_or_not_at_all(app: App, payload: str) -> None:
    person = Person.on(app, "telegram", "1002", "Bình")
    assert_clear(await person.send(f"/start {payload}"))
    src = (await app.store.conversation(person.user.key)).get("src", "")
    assert clean(src), src
    assert len(src) <= 64


# ------------------------------------------------------------------ during a quiz


@pytest.fixture
async def quizzing(app: App) -> Person:
    person = Person.on(app, "telegram", "1003", "Cúc")
    await person.register(name="Lê Thị Cúc", phone="0987000111")
    await person.send("/thi")
    await person.answer(right=True)
    return person


@EXAMPLES
@given(text=odd_text)
async def test_odd_text_during_a_question_changes_nothing(
    app: App, quizzing: Person, text: str
) -> None:
    # A letter or a number typed mid-quiz is an answer on every channel ("b", "2", "đáp án b").
    assume(not text.startswith("/") and answer_index(text) is None)
    before = await quizzing.live()
    replies = await quizzing.event(Text(quizzing.user, text))
    assert_clear(replies)
    assert "Câu 2/10" in quizzing.said
    assert await quizzing.live() == before


def out_of_range_numbers() -> st.SearchStrategy[str]:
    def spelled(n: int, style: int) -> str:
        digits = str(abs(n))
        sign = "-" if n < 0 else ""
        if style == 1:
            digits = f"{abs(n):,}".replace(",", ".")
        elif style == 2:
            digits = f"{abs(n):,}".replace(",", " ")
        elif style == 3:
            digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        elif style == 4:
            digits = digits.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        elif style == 5:
            digits = digits + ".5"
        return sign + digits

    numbers = st.one_of(
        st.integers(max_value=-1), st.integers(min_value=10_000_001, max_value=10**40)
    )
    return st.builds(spelled, numbers, st.integers(0, 5)) | st.sampled_from(
        ["1e9", "0x10", "NaN", "∞", "½", "1/2", "", " ", "10 000 000 0", "1,5", "2.50"]
    )


@EXAMPLES
@given(text=st.one_of(out_of_range_numbers(), odd_text))
async def test_a_prediction_out_of_range_or_unreadable_changes_nothing(
    app: App, quizzing: Person, text: str
) -> None:
    assume(not text.startswith("/") and text.strip())
    low, high = app.contest.rules.prediction.min, app.contest.rules.prediction.max
    value = parse_prediction(text)
    assume(value is None or not low <= value <= high)
    live = await quizzing.live()
    assert live is not None
    if live.next_index < 10:
        for _ in range(10 - live.next_index):
            await quizzing.answer(right=False)
        live = await quizzing.live()
    replies = await quizzing.event(Text(quizzing.user, text))
    assert_clear(replies)
    assert "số nguyên từ 0 đến 10.000.000" in quizzing.said
    assert await quizzing.live() == live
    assert await app.svc.attempts.count(await quizzing.participant_id(), "2023-Q1") == 0


# ------------------------------------------------------------------ forged buttons


@EXAMPLES
@given(data=st.data())
async def test_forged_button_data_changes_nothing(
    app: App, quizzing: Person, data: st.DataObject
) -> None:
    other = Person.on(app, "zalo", "z77", "Dũng")
    third = Person.on(app, "telegram", "1777", "Én")
    if await app.svc.participants.by_account("zalo", "z77") is None:
        await other.register(name="Hoàng Văn Dũng", phone="0977000222", typed_phone=True)
        await other.take_attempt(correct=3)  # an old, finished attempt
        await third.register(name="Vũ Thị Én", phone="0966000333")
        await third.send("/thi")
    mine, theirs = await quizzing.live(), await third.live()
    assert mine is not None
    assert theirs is not None
    [old] = await app.svc.attempts.scored("2023-Q1", participant_id=await other.participant_id())
    old_attempt = await stored_attempts(app.svc.db, [old.attempt_id])
    old_code = old_attempt[old.attempt_id].code
    code = data.draw(st.sampled_from([theirs.code, old_code, mine.code, "x" * 10, ""]))
    index = data.draw(st.integers(-5, 1200))
    shown = data.draw(st.integers(-2, 12))
    token = data.draw(
        st.one_of(
            st.just(f"a:{code}:{index}:{shown}"),
            st.text(max_size=200),
            st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
            st.builds(lambda n: "a:" + "9" * n, st.integers(60, 300)),
            st.sampled_from(["r:loc:99", "r:loc:-1", "r:loc:", "r:fix:x", "r:confirm", "adm:"]),
            st.sampled_from(["r:consent:yes", "r:unit:resident", "m:nothing", "a:" + mine.code]),
        )
    )
    # Skip the one token that is a real, current button of this participant.
    current = f"a:{mine.code}:{mine.next_index}:"
    assume(not (token.startswith(current) and token[len(current) :] in {"0", "1", "2", "3"}))
    assume(token not in {"m:reg", "m:quiz", "m:rules", "m:schedule", "m:score", "m:help"})
    assume(token != "r:edit")

    conv = await app.store.conversation(quizzing.user.key)
    replies = await quizzing.event(Choice(quizzing.user, token, ref="m1"))
    assert_clear(replies)
    assert await quizzing.live() == mine
    assert await third.live() == theirs
    assert await app.store.conversation(quizzing.user.key) == conv
    assert await app.svc.attempts.count(await quizzing.participant_id(), "2023-Q1") == 0
    assert await app.svc.attempts.count(await other.participant_id(), "2023-Q1") == 1


# ------------------------------------------------------------------ uploads


ADMIN = 9000
FILENAMES = [
    "cau-hoi.xlsx",
    "cau-hoi.XLSX",
    "bank.csv",
    "aiken.txt",
    "bank.yaml",
    "bank.yml",
    "virus.exe",
    "không-đuôi",
    "../../etc/passwd.xlsx",
    "\u202eslx.exe",
    "a\x00b.csv",
    "🙂.xlsx",
    "x" * 300 + ".xlsx",
    ".xlsx",
]


async def upload(admin: TgUser, filename: str, data: bytes, *, announced: int | None) -> None:
    """The organiser sends a file; `announced` is the size Telegram says it has."""
    file_id = f"f{len(admin.session.files)}"
    admin.session.files[file_id] = data
    doc = Document(
        file_id=file_id,
        file_unique_id=file_id,
        file_name=filename,
        file_size=len(data) if announced is None else announced,
    )
    message = TgMessage(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=ADMIN, type="private"),
        from_user=TgUserObj(id=ADMIN, is_bot=False, first_name="BTC"),
        document=doc,
    )
    await admin.feed(Update(update_id=admin.session.calls.__len__() + 10**6, message=message))


@pytest.fixture
def organiser(app: App) -> TgUser:
    app.svc.admins = frozenset({f"telegram:{ADMIN}"})
    session, channel = telegram_channel(app)
    return TgUser(channel, session, ADMIN, "BTC")


@EXAMPLES
@given(
    filename=st.one_of(st.sampled_from(FILENAMES), st.text(max_size=40).map(lambda s: s + ".csv")),
    data=st.one_of(
        st.binary(max_size=5000),
        st.sampled_from([b"", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4", b"\xff\xfe"]),
        odd_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
    ),
    announced=st.one_of(st.none(), st.integers(5 * 1024 * 1024 + 1, 2 * 1024**3)),
)
async def test_a_file_that_is_not_a_bank_or_is_huge_changes_nothing(
    app: App, organiser: TgUser, filename: str, data: bytes, announced: int | None
) -> None:
    bank = await app.svc.questions.active_bank()
    mark = len(organiser.session.calls)
    await upload(organiser, filename, data, announced=announced)
    said = [c.text for c in organiser.session.calls[mark:] if getattr(c, "text", None) is not None]
    assert said, "the organiser got no answer"
    assert not any(APOLOGY in t for t in said), said
    assert any(VIETNAMESE.search(t) for t in said), said
    if announced is not None:
        assert any("quá lớn" in t or "tối đa" in t for t in said), said
    assert await app.store.take_upload(f"telegram:{ADMIN}") is None
    assert await app.svc.questions.active_bank() == bank
