"""The per-answer detail of a round: a compressed CSV streamed from the database.

Every answer of each person's counted attempt, a line each, in ranking order: 13,000,000
lines for a round the size of Hà Nội's (1,300,000 people), more than a workbook holds or
a computer opens comfortably as one, so it is its own file beside the results workbook. On
PostgreSQL the database writes the lines itself (COPY, storage.repos.detail_copy) and they are
compressed as they come; on SQLite the answers are read a slice of the ranking at a time
(storage.repos.attempts.answer_slices) and each slice is written and compressed before the
next is read. Either way the file is never in memory.

UTF-8 with a byte order mark, so that Excel (after unzipping) shows the Vietnamese as it
is; a text a spreadsheet would take for a formula gets a leading "'" (questions.formats.
formulas.csv_escape), as in every CSV the bot writes. Times are local to the contest, as
"2023-02-20 08:15:30.123". Commas separate the cells and a point the decimals (RFC 4180):
Excel set to Vietnamese formats opens it through Data → From Text/CSV, as organisers are
told. The question's text is not repeated on each of its lines: its code ("Mã câu hỏi")
leads to it in the workbook's "Thống kê" sheet.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from isal import igzip

from handlers.context import Services
from handlers.phones import local_form, mask_phone
from handlers.reports.longsheets import LocalTime
from handlers.rounds import RoundResults
from questions.formats.formulas import csv_escape
from questions.model import LETTERS
from storage.repos.attempt_reads import PER_READ, AnswerSlice

DETAIL_HEADERS = [
    "Hạng",
    "Họ và tên",
    "Số điện thoại",
    "Mã lượt thi",
    "Câu số",
    "Mã câu hỏi",
    "Phương án chọn (theo ngân hàng)",
    "Đáp án đúng (theo ngân hàng)",
    "Kết quả",
    "Trả lời lúc",
    "Giây kể từ lúc bắt đầu",
    "Bắt đầu lúc",
    "Nộp bài lúc",
    "Nộp tự động",
    "Kênh",
]
RIGHT, WRONG = "đúng", "sai"
BOM = "\ufeff"
_MINUTE_MS = 60_000
_QUOTED = re.compile('[,"\r\n]')
# ":SS.mmm" for each millisecond of a minute, ".mmm" for each of a second: made once.
_SECONDS = [f":{ms // 1000:02d}.{ms % 1000:03d}" for ms in range(_MINUTE_MS)]
_MILLIS = [f".{ms:03d}" for ms in range(1000)]
_HOURS_MINUTES = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
_EPOCH = datetime(1970, 1, 1)


def detail_filename(code: str, *, full_phones: bool) -> str:
    """The file's name: the organisers' internal copy (whole phones) says so."""
    return f"chi-tiet-{code}{'-noi-bo' if full_phones else ''}.csv.gz"


def cell(text: str) -> str:
    """A text as a CSV cell: never a formula, quoted when it holds a separator or a quote."""
    text = csv_escape(text)
    if _QUOTED.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


async def write_detail(
    svc: Services,
    results: RoundResults,
    path: Path,
    *,
    full_phones: bool = False,
    per_read: int = PER_READ,
    by_database: bool = True,
) -> int:
    """Write the round's per-answer detail to `path` (gzip); the number of answer lines.

    The public copy shows only the last three digits of each phone; `full_phones` makes the
    organisers' internal copy. On PostgreSQL the database writes the lines itself
    (storage.repos.detail_copy) and they are compressed here as they come; elsewhere, or
    with `by_database` False, they are built here a slice of the ranking at a time. Reading,
    writing and compressing overlap (the compression works outside the GIL).
    """
    if full_phones:
        results = results.internal()
    phone = local_form if full_phones else mask_phone
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a name of its own (two organisers may ask at once), then put in place.
    unfinished = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with _gzip(unfinished) as out:
            gz = _Compressing(out)
            try:
                await gz.write((BOM + ",".join(DETAIL_HEADERS) + "\r\n").encode("utf-8"))
                if by_database and svc.db.dialect == "postgresql":
                    written = await svc.attempts.copy_detail_lines(
                        _heads(results, phone), svc.contest.tz.key, gz.write
                    )
                else:
                    written = await _write_lines(svc, results, phone, gz, per_read)
            finally:
                await gz.done()
    except BaseException:
        # Whole or not at all: a file cut short by an error is never taken for the detail.
        unfinished.unlink(missing_ok=True)
        raise
    unfinished.replace(path)
    return written


def _gzip(path: Path) -> BinaryIO:
    """A gzip file to write, level 1 (fast; the file is still a fifth of the text)."""
    out: BinaryIO = igzip.IGzipFile(path, "wb", compresslevel=1)  # type: ignore[no-untyped-call,assignment]
    return out


class _Compressing:
    """Bytes compressed into the file in a second thread (ISA-L lets go of the GIL) while the
    next are read or built: one piece in the thread at a time."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.pending: asyncio.Future[int] | None = None

    async def write(self, data: bytes) -> None:
        await self.done()
        self.pending = asyncio.ensure_future(asyncio.to_thread(self.out.write, data))

    async def done(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await pending


def _heads(results: RoundResults, phone: Callable[[str], str]) -> Iterator[tuple[int, int, str]]:
    """Each counted attempt's place, id, and its lines' first cells (rank, name, phone)."""
    people = results.people
    for k, r in enumerate(results.ranking):
        p = people[r.participant_id]
        yield k, r.attempt_id, f"{r.rank},{cell(p.full_name)},{cell(phone(p.phone))},"


async def _write_lines(
    svc: Services,
    results: RoundResults,
    phone: Callable[[str], str],
    gz: _Compressing,
    per_read: int,
) -> int:
    """Build the lines here, a slice of the ranking at a time (SQLite); how many."""
    lines = _Lines(svc, results, phone)
    counted = [r.attempt_id for r in results.ranking]
    written = 0
    async for part in svc.attempts.answer_slices(counted, per_read=per_read):
        await lines.learn_questions(part)
        text = lines.text(part)
        written += sum(len(a.positions) for a in part.attempts)
        await gz.write(text.encode("utf-8"))
    return written


class _Lines:
    """The CSV lines of the answers, built from pieces made once per attempt and per
    (position, question, choice)."""

    def __init__(self, svc: Services, results: RoundResults, phone: Callable[[str], str]) -> None:
        self.svc = svc
        self.results = results
        self.phone = phone
        self.time = LocalTime(svc.contest.tz)
        self.correct: dict[int, int | None] = {}
        self.minutes: dict[int, str] = {}
        self.days: dict[int, str] = {}
        self.middles: dict[tuple[int, int, int | None], str] = {}

    async def learn_questions(self, part: AnswerSlice) -> None:
        """Read the right option of questions this slice asks that are not known yet."""
        new = {q for a in part.attempts for q in a.question_ids} - self.correct.keys()
        if new:
            found = await self.svc.questions.by_ids(sorted(new))
            for qid in new:
                q = found.get(qid)
                self.correct[qid] = q.correct if q is not None else None

    def text(self, part: AnswerSlice) -> str:
        """The lines of a slice's answers.

        Each is one f-string of pieces made once: the person's cells, the question's, the
        minute's text, the seconds-and-milliseconds' (13,000,000 lines for Hà Nội).
        """
        ranking = self.results.ranking
        people = self.results.people
        offset = self.time.offset
        middles = self.middles
        minutes = self.minutes
        out: list[str] = []
        append = out.append
        for a in part.attempts:
            r = ranking[part.start + a.place]
            p = people[r.participant_id]
            person = f"{r.rank},{cell(p.full_name)},{cell(self.phone(p.phone))},{cell(a.code)},"
            started = a.started_ms
            shift = offset(started)
            # An attempt during which the clocks change is written instant by instant.
            exact = offset(a.submitted_ms) != shift
            tail = (
                f",{self._local(started, shift)}"
                f",{self._local(a.submitted_ms, offset(a.submitted_ms))}"
                f",{'có' if a.auto_submitted else 'không'},{cell(a.channel.capitalize())}\r\n"
            )
            for position, question_id, choice, answered in zip(
                a.positions, a.question_ids, a.choices, a.answered_ms, strict=True
            ):
                key = (position, question_id, choice)
                middle = middles.get(key)
                if middle is None:
                    middle = middles[key] = self._middle(position, question_id, choice)
                if answered is None:
                    append(f"{person}{middle},{tail}")
                    continue
                minute, rest = divmod(answered + (offset(answered) if exact else shift), 60_000)
                at = minutes.get(minute)
                if at is None:
                    at = self._minute(minute)
                since = answered - started
                append(
                    f"{person}{middle}{at}{_SECONDS[rest]},"
                    f"{since // 1000}{_MILLIS[since % 1000]}{tail}"
                )
        return "".join(out)

    def _middle(self, position: int, question_id: int, choice: int | None) -> str:
        """The cells from "Câu số" to "Kết quả", and the comma before "Trả lời lúc"."""
        right = self.correct.get(question_id)
        chosen = LETTERS[choice] if choice is not None else ""
        letter = LETTERS[right] if right is not None else ""
        verdict = RIGHT if right is not None and choice == right else WRONG
        return f"{position + 1},{question_id},{chosen},{letter},{verdict},"

    def _local(self, ms: int, offset: int) -> str:
        """An instant as local "YYYY-MM-DD HH:MM:SS.mmm"."""
        minute, rest = divmod(ms + offset, _MINUTE_MS)
        at = self.minutes.get(minute)
        return (at if at is not None else self._minute(minute)) + _SECONDS[rest]

    def _minute(self, minute: int) -> str:
        """A local minute's text, "YYYY-MM-DD HH:MM", made once (its day's text once a day)."""
        day, in_day = divmod(minute, 1440)
        date = self.days.get(day)
        if date is None:
            date = self.days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        text = self.minutes[minute] = date + _HOURS_MINUTES[in_day]
        return text
