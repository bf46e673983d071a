"""/dulieu, "Dữ liệu của tôi": everything stored about the participant, on every channel.

The entry's details, its accounts, every phone it held, the consent it gave (version and
when), each attempt per round with every answer as stored, and its prizes; on Telegram also
as an Excel file (handlers.mydata_file). Phones are shown in full: only the entry's own
accounts reach this. Nothing about anyone else is shown: not the other entries sharing a
phone, and not the organisers' review marks (a hold follows from another entry's claim on
the phone, and the rules say such an entry is not told).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.common import participant_id
from handlers.context import Services
from handlers.events import Document, Message, Reply, User
from handlers.formatting import datetime_vn, duration_vn, number_vn
from handlers.mydata_file import FILENAME, personal_workbook
from handlers.phones import local_form
from handlers.texts import Raw
from questions.model import Question
from storage.repos.personal import AttemptRecord, PersonalRecord

# Channels that can hand the participant a file: Zalo's Bot API sends no documents, and the
# console has nowhere to put one.
FILE_CHANNELS = frozenset({"telegram"})
# How much of a question and of the option chosen each answer line shows (the file has all).
QUESTION_CHARS = 70
CHOICE_CHARS = 50


async def show(svc: Services, user: User) -> list[Reply]:
    """What is stored about the person behind this account."""
    t = svc.texts
    pid = await participant_id(svc, user)
    record = await svc.personal.record(pid) if pid is not None else None
    if record is None:
        draft = (await svc.store.conversation(user.key)).get("step", "").startswith("reg:")
        return [Message(t("mydata.not_registered", draft=t("mydata.draft") if draft else Raw("")))]
    questions = await svc.pool.get_many(
        sorted({a.question_id for r in record.attempts for a in r.answers})
    )
    await svc.audit.record(
        actor="system",
        action="participant.data_access",
        at=svc.clock.now(),
        participant=pid,
        channel=user.channel,
    )
    replies: list[Reply] = [Message(_summary(svc, record))]
    replies += [Message(block) for block in await _rounds(svc, record, questions)]
    closing = [t("mydata.rights")]
    if user.channel in FILE_CHANNELS:
        closing.append(t("mydata.file"))
    replies.append(Message(Raw("\n".join(closing))))
    if user.channel in FILE_CHANNELS:
        data = await personal_workbook(svc, record, questions)
        replies.append(Document(FILENAME, data, caption=str(t("mydata.file_caption"))))
    return replies


def channel_name(svc: Services, channel: str) -> str:
    """Telegram, Zalo, or the console, as a participant reads it."""
    if channel in ("telegram", "zalo"):
        return channel.capitalize()
    return str(svc.texts("mydata.channel_other", channel=channel))


def _when(svc: Services, instant: datetime | None) -> str:
    return datetime_vn(instant, svc.contest.tz) if instant is not None else "-"


def _summary(svc: Services, record: PersonalRecord) -> Raw:
    t = svc.texts
    p = record.person
    parts = [
        t(
            "mydata.identity",
            name=p.full_name,
            phone=local_form(p.phone),
            kind=t("mydata.verified") if p.phone_verified else t("mydata.typed"),
            birth=p.birth_year,
            locality=p.locality,
            unit=p.unit,
            source=p.source or t("mydata.no_source"),
            created=_when(svc, p.created_at),
            updated=_when(svc, p.updated_at),
        )
    ]
    if p.identity_edited_at is not None:
        parts.append(t("mydata.edited", at=_when(svc, p.identity_edited_at)))
    accounts = [
        t(
            "mydata.account",
            channel=channel_name(svc, a.channel),
            id=a.channel_user_id,
            name=a.display_name or "-",
            since=_when(svc, a.created_at),
        )
        for a in record.accounts
    ]
    parts.append(t("mydata.accounts", lines=Raw("\n".join(accounts))))
    phones = [
        t(
            "mydata.phone",
            phone=local_form(spell.phone),
            kind=t("mydata.verified") if spell.verified else t("mydata.typed"),
            since=_when(svc, spell.since),
            until=_when(svc, spell.until) if spell.until else t("mydata.until_now"),
        )
        for spell in record.phones
    ]
    parts.append(t("mydata.phones", lines=Raw("\n".join(phones))))
    parts.append(_consent(svc, record))
    parts.append(_prizes(svc, record))
    return t("mydata.summary", parts=Raw("\n\n".join(parts)))


def _consent(svc: Services, record: PersonalRecord) -> Raw:
    t = svc.texts
    p = record.person
    current = svc.contest.consent.version
    if p.consent_version == current:
        state = t("mydata.consent_current")
    else:
        state = t("mydata.consent_outdated", current=current)
    return t(
        "mydata.consent",
        version=p.consent_version or t("mydata.consent_unversioned"),
        at=_when(svc, p.consent_at),
        state=state,
    )


def _prizes(svc: Services, record: PersonalRecord) -> Raw:
    t = svc.texts
    if not record.prizes:
        return t("mydata.no_prizes")
    names = {r.code: r.name for r in svc.contest.rounds}
    lines = [
        t(
            "mydata.prize",
            prize=svc.contest.prize_name(w.tier),
            round=names.get(w.round_code, w.round_code),
            rank=w.rank,
            name=w.full_name,
            phone=local_form(w.phone),
            birth=w.birth_year,
            locality=w.locality,
            unit=w.unit,
        )
        for w in record.prizes
    ]
    return t("mydata.prizes", lines=Raw("\n".join(lines)))


async def _rounds(
    svc: Services, record: PersonalRecord, questions: dict[int, Question]
) -> list[Raw]:
    """A block per round with attempts: each attempt with every answer."""
    t = svc.texts
    if not record.attempts:
        return [t("mydata.no_attempts")]
    blocks = []
    for rnd in await svc.rounds.all():
        mine = [r for r in record.attempts if r.attempt.round_code == rnd.code]
        if not mine:
            continue
        attempts = "\n\n".join(
            str(_attempt(svc, n, r, questions)) for n, r in enumerate(mine, start=1)
        )
        blocks.append(t("mydata.round", round=rnd.name, attempts=Raw(attempts)))
    return blocks


def _attempt(svc: Services, n: int, record: AttemptRecord, questions: dict[int, Question]) -> Raw:
    t = svc.texts
    a = record.attempt
    return t(
        "mydata.attempt",
        n=n,
        channel=channel_name(svc, a.channel),
        started=_when(svc, a.started_at),
        submitted=_when(svc, a.submitted_at),
        auto=t("mydata.auto") if a.auto_submitted else Raw(""),
        correct=a.correct,
        total=a.total,
        time=duration_vn(a.duration_ms),
        prediction=t("quiz.no_prediction") if a.prediction is None else number_vn(a.prediction),
        answers=Raw("\n".join(_answers(svc, record, questions))),
    )


def _answers(svc: Services, record: AttemptRecord, questions: dict[int, Question]) -> Sequence[str]:
    """One line per question: the question and the option chosen, as stored, with the time.

    Whether each answer was right is not said: the questions come back in later attempts and
    rounds, and the count of right answers is what the participant was told.
    """
    t = svc.texts
    tz = svc.contest.tz
    out = []
    for answer in record.answers:
        n = answer.position + 1
        q = questions.get(answer.question_id)
        text = _short(q.text, QUESTION_CHARS) if q else f"#{answer.question_id}"
        if answer.choice is None or answer.answered_at is None or q is None:
            out.append(str(t("mydata.unanswered", n=n, question=text)))
            continue
        chosen = _short(q.options[answer.choice], CHOICE_CHARS)
        at = answer.answered_at.astimezone(tz).strftime("%H:%M:%S")
        out.append(str(t("mydata.answer", n=n, question=text, choice=chosen, at=at)))
    return out


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
