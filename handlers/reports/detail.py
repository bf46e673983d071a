"""The "Chi tiết" sheets: every answer of each person's counted attempt, a row each.

A round of 100,000 people has a million of them, so the rows are written as XML text by
`splice` (see longsheets): what repeats on a person's rows (rank, name, phone, attempt code,
start, submission, channel) and on a question's rows (its text, the letter chosen, the right
letter, the verdict) is made into cell XML once, and each row is one %-format of those pieces
and its two numbers. Excel holds 1,048,576 rows a sheet: past that the rows go on to
"Chi tiết (2)", "Chi tiết (3)"…, never splitting one person's answers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter

from openpyxl import Workbook

from handlers.contest import ContestConfig
from handlers.reports.data import ReportData
from handlers.reports.layout import DATETIME_FORMAT, append, header_row, number_format
from handlers.reports.longsheets import (
    DAY_MS,
    EPOCH_MS,
    EXCEL_ROWS,
    CellWriter,
    LocalTime,
    LongSheet,
    Value,
)
from handlers.reports.stats import clip
from handlers.rounds import RoundResults
from questions.model import LETTERS
from storage.repos.attempts import AnswerLine

DETAIL_TITLE = "Chi tiết"
DETAIL_HEADERS = [
    "Hạng",
    "Họ và tên",
    "Số điện thoại",
    "Mã lượt thi",
    "Câu số",
    "Mã câu hỏi",
    "Câu hỏi",
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
_WIDTHS = [7, 26, 14, 12, 7, 10, 60, 12, 12, 9, 18, 10, 18, 18, 10, 10]
_DATETIME_COLUMNS = (11, 13, 14)
RIGHT, WRONG = "đúng", "sai"


def detail_sheets(
    wb: Workbook,
    contest: ContestConfig,
    results: RoundResults,
    data: ReportData,
    phone: Callable[[str], str],
) -> list[LongSheet]:
    """Add the detail sheet (and its continuations past Excel's row limit) to `wb`.

    Each is laid out here with its header and first row, which give the columns their
    styles; the rows are written by `splice`.
    """
    rows = _Rows(contest, results, data, phone)
    sheets = []
    for n, (start, end) in enumerate(_parts(data.answers, EXCEL_ROWS - 1), start=1):
        ws = wb.create_sheet(DETAIL_TITLE if n == 1 else f"{DETAIL_TITLE} ({n})")
        header_row(ws, DETAIL_HEADERS, _WIDTHS)
        if start == end:
            continue
        append(ws, rows.values(data.answers[start]))
        for column in _DATETIME_COLUMNS:
            number_format(ws, column, DATETIME_FORMAT)
        sheets.append(LongSheet(ws.title, rows.between(start, end)))
    return sheets


def _parts(lines: Sequence[AnswerLine], per_sheet: int) -> list[tuple[int, int]]:
    """(start, end) of the lines on each sheet: at most `per_sheet`, cut between people."""
    parts = []
    start = 0
    while start < len(lines):
        end = min(start + per_sheet, len(lines))
        if end < len(lines):
            # Back to the first line of the attempt the limit falls in (unless that attempt
            # alone fills a sheet).
            cut = bisect_left(lines, lines[end][0], lo=start, hi=end, key=itemgetter(0))
            end = cut if cut > start else end
        parts.append((start, end))
        start = end
    return parts or [(0, 0)]


class _Rows:
    """The detail rows as values (the sample row) and as XML (all the others)."""

    def __init__(
        self,
        contest: ContestConfig,
        results: RoundResults,
        data: ReportData,
        phone: Callable[[str], str],
    ) -> None:
        self.results = results
        self.data = data
        self.phone = phone
        self.time = LocalTime(contest.tz)

    def values(self, line: AnswerLine) -> list[Value]:
        """One row of the sheet as the values openpyxl writes."""
        k, position, question_id, choice, answered = line
        r = self.results.ranking[k]
        p = self.results.people[r.participant_id]
        facts = self.data.attempts.get(r.attempt_id)
        local = self.time.datetime
        seconds = None
        if answered is not None and facts is not None:
            seconds = (answered - facts.started_ms) / 1000
        return [
            r.rank,
            p.full_name,
            self.phone(p.phone),
            facts.code if facts is not None else "",
            *self._question_cells(position, question_id, choice),
            local(answered) if answered is not None else None,
            seconds,
            local(facts.started_ms) if facts is not None else None,
            local(facts.submitted_ms) if facts is not None else None,
            ("có" if facts.auto_submitted else "không") if facts is not None else "",
            facts.channel.capitalize() if facts is not None else "",
        ]

    def between(self, start: int, end: int) -> Callable[[CellWriter], Iterator[str]]:
        """The XML of the rows of lines start to end (exclusive), for a LongSheet."""

        def rows(w: CellWriter) -> Iterator[str]:
            return self._xml(w, self.data.answers[start:end])

        return rows

    def _xml(self, w: CellWriter, lines: Sequence[AnswerLine]) -> Iterator[str]:
        ranking = self.results.ranking
        people = self.results.people
        attempts = self.data.attempts
        time = self.time
        text = w.text
        person_cells = f"{w.number(1)}%s%s%s"
        tail_cells = f"{w.number(13)}{w.number(14)}%s%s"
        auto = {True: text(15, "có"), False: text(15, "không")}
        answered_row = f"<row>%s%s{w.number(11)}{w.number(12)}%s</row>"
        unanswered_row = f"<row>%s%s{w.empty(11)}{w.empty(12)}%s</row>"
        # (position, question id, choice) -> the cells from "Câu số" to "Kết quả"
        middles: dict[tuple[int, int, int | None], str] = {}
        last = -1
        person = tail = ""
        started = shift = 0
        exact = False
        for k, position, question_id, choice, answered in lines:
            if k != last:
                last = k
                r = ranking[k]
                facts = attempts.get(r.attempt_id)
                # The rows of an attempt share the zone's offset at its start: an attempt
                # lasts minutes, and one during which the clocks change (or one whose
                # times are unknown) is written value by value.
                exact = facts is None or time.offset(facts.submitted_ms) != time.offset(
                    facts.started_ms
                )
                if facts is not None and not exact:
                    p = people[r.participant_id]
                    person = person_cells % (
                        r.rank,
                        text(2, p.full_name),
                        text(3, self.phone(p.phone)),
                        text(4, facts.code),
                    )
                    started = facts.started_ms
                    shift = time.offset(started) + EPOCH_MS
                    tail = tail_cells % (
                        (started + shift) / DAY_MS,
                        (facts.submitted_ms + shift) / DAY_MS,
                        auto[facts.auto_submitted],
                        text(16, facts.channel.capitalize()),
                    )
            if exact:
                yield w.row(self.values((k, position, question_id, choice, answered)))
                continue
            key = (position, question_id, choice)
            middle = middles.get(key)
            if middle is None:
                middle = middles[key] = self._middle(w, position, question_id, choice)
            if answered is None:
                yield unanswered_row % (person, middle, tail)
            else:
                yield answered_row % (
                    person,
                    middle,
                    (answered + shift) / DAY_MS,
                    (answered - started) / 1000,
                    tail,
                )

    def _middle(self, w: CellWriter, position: int, question_id: int, choice: int | None) -> str:
        return w.cells(self._question_cells(position, question_id, choice), first_column=5)

    def _question_cells(self, position: int, question_id: int, choice: int | None) -> list[Value]:
        """Columns 5-10: the question's place and text, the answer given, the right one."""
        q = self.data.questions.get(question_id)
        return [
            position + 1,
            question_id,
            clip(q.text) if q is not None else "",
            LETTERS[choice] if choice is not None else "",
            LETTERS[q.correct] if q is not None else "",
            RIGHT if q is not None and choice == q.correct else WRONG,
        ]
