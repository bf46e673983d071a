"""The per-answer detail's lines written by PostgreSQL itself (COPY … TO STDOUT).

A round the size of Hà Nội's has 13,000,000 answer lines: built in Python they took over a
minute of the bot's one core. On PostgreSQL the bot hands over each counted attempt's place
in the ranking with the first cells of its lines (rank, name, phone: what the results show of
the person, which the database does not know) into a temporary table, and the database
writes every line, in ranking order then position, the bot only compressing what comes back.

The lines are exactly those handlers.reports.detail_csv builds line by line (SQLite's way):
the same cells, the same escaping of a text a spreadsheet would take for a formula
(questions.formats.formulas), the same quoting, local times to the millisecond in the
contest's zone (each instant rounded to the millisecond first), the seconds since the start,
and "\\r\\n" after each line.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from questions.formats.formulas import FORMULA_START
from questions.model import LETTERS
from storage.db import Database

# Bytes handed to `write` at a time: whole lines, a few megabytes.
CHUNK = 4 << 20


_TEXT = "'YYYY-MM-DD HH24:MI:SS.MS'"


def _rounded(column: str) -> str:
    """A stored (naive UTC) instant rounded to the millisecond, as the other reads round it."""
    return f"date_trunc('milliseconds', {column} + interval '0.5 milliseconds')"


def _zoned(instant: str) -> str:
    """A naive UTC instant as the contest's local date-time (naive)."""
    return f"(({instant}) AT TIME ZONE 'UTC') AT TIME ZONE $1"


def _local(column: str) -> str:
    """A stored instant as local "YYYY-MM-DD HH:MM:SS.mmm", rounded to the millisecond."""
    return f"to_char({_zoned(_rounded(column))}, {_TEXT})"


def _cell(text: str) -> str:
    """handlers.reports.detail_csv.cell in SQL: a leading "'" on what looks like a formula,
    then quotes around a cell holding a separator or a quote."""
    starts = "".join(c for c in FORMULA_START if c not in "-") + "-"
    formula = "E'^''*[" + starts.replace("\t", "\\t").replace("\r", "\\r") + "]'"
    escaped = f"(CASE WHEN {text} ~ {formula} THEN '''' || {text} ELSE {text} END)"
    return (
        f"(CASE WHEN {escaped} ~ E'[,\"\\r\\n]' "
        f"THEN '\"' || replace({escaped}, '\"', '\"\"') || '\"' ELSE {escaped} END)"
    )


_CHANNEL = "upper(left(t.channel, 1)) || lower(substr(t.channel, 2))"
# Each counted attempt's own cells once, in ranking order, with its start (rounded) and the
# zone's offset then, which holds for its answers unless the clocks change before it is
# submitted (then each answer is worked out on its own, as detail_csv does). OFFSET 0 keeps
# a subquery's values from being worked out again for each use.
_ATTEMPTS = (
    "SELECT p.k, p.attempt_id, "
    f"p.head || {_cell('t.code')} || ',' AS head, r.started, r.shift, "
    f"r.shift = {_zoned('r.submitted')} - r.submitted AS fixed, "
    f"',' || {_local('t.started_at')} || ',' || {_local('t.submitted_at')} || ',' "
    "|| CASE WHEN t.auto_submitted THEN 'có' ELSE 'không' END || ',' "
    f"|| {_cell(_CHANNEL)} AS tail "
    "FROM detail_people AS p JOIN attempts AS t ON t.id = p.attempt_id "
    f"CROSS JOIN LATERAL (SELECT {_rounded('t.started_at')} AS started, "
    f"{_rounded('t.submitted_at')} AS submitted OFFSET 0) AS r0 "
    f"CROSS JOIN LATERAL (SELECT r0.started, r0.submitted, "
    f"{_zoned('r0.started')} - r0.started AS shift) AS r "
    "ORDER BY p.k OFFSET 0"
)
# Each answer: its instant rounded, then the local time and the milliseconds since the start.
_ANSWERS = (
    "SELECT y.position, y.question_id, y.choice, q.correct, "
    f"to_char(CASE WHEN s.fixed THEN y.at + s.shift ELSE {_zoned('y.at')} END, {_TEXT}) "
    "AS local, round(date_part('epoch', y.at - s.started) * 1000)::bigint AS since "
    "FROM (SELECT a.position, a.question_id, a.choice, "
    f"{_rounded('a.answered_at')} AS at FROM attempt_answers AS a "
    "WHERE a.attempt_id = s.attempt_id OFFSET 0) AS y "
    "LEFT JOIN questions AS q ON q.id = y.question_id OFFSET 0"
)
# Then the lines. The plan this shape gets: an index scan of each attempt's answers, the
# question's right option remembered per question (Memoize), and a sort of each attempt's
# ten rows only (Incremental Sort).
_REST = "mod(mod(x.since, 1000) + 1000, 1000)"
_LINES = (
    "SELECT s.head || (x.position + 1) || ',' || x.question_id || ',' "
    f"|| coalesce(substr('{LETTERS}', x.choice + 1, 1), '') || ',' "
    f"|| coalesce(substr('{LETTERS}', x.correct + 1, 1), '') || ',' "
    "|| CASE WHEN x.correct IS NOT NULL AND x.choice = x.correct THEN 'đúng' ELSE 'sai' END "
    "|| ',' || coalesce(x.local || ',' "
    f"|| ((x.since - {_REST}) / 1000)::text || '.' || lpad({_REST}::text, 3, '0'), ',') "
    f"|| s.tail FROM ({_ATTEMPTS}) AS s CROSS JOIN LATERAL ({_ANSWERS}) AS x "
    "ORDER BY s.k, x.position"
)
# COPY's text format escapes these in a value; the lines' own ends are bare "\n".
_ESCAPED = re.compile(rb"\\(.)", re.S)
_UNESCAPE = {
    b"\\": b"\\",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"v": b"\v",
}


def _unescaped(data: bytes) -> bytes:
    """Whole lines of COPY's text format as the detail's bytes: "\\r\\n" after each line,
    and a value's escaped characters (a name holding a backslash or a tab) as they are."""
    data = data.replace(b"\n", b"\r\n")
    if b"\\" not in data:
        return data
    return _ESCAPED.sub(lambda m: _UNESCAPE[m.group(1)], data)


class DetailCopy:
    """Writes the detail's lines with PostgreSQL's COPY; `db` is set by Attempts."""

    db: Database

    async def copy_detail_lines(
        self,
        heads: Iterable[tuple[int, int, str]],
        timezone: str,
        write: Callable[[bytes], Awaitable[None]],
    ) -> int:
        """Hand the lines of the counted attempts to `write`, whole lines a few megabytes at
        a time; the number of lines.

        `heads` gives, in ranking order, (place, attempt id, the line's cells up to the
        attempt's code: rank, name, phone, each followed by a comma). PostgreSQL only.
        """
        pending: list[bytes] = []
        size = 0

        async def take(data: bytes) -> None:
            nonlocal size
            pending.append(data)
            size += len(data)
            if size >= CHUNK:
                whole = b"".join(pending)
                end = whole.rindex(b"\n") + 1
                pending[:] = [whole[end:]]
                size = len(pending[0])
                await write(_unescaped(whole[:end]))

        async with self.db.driver() as conn:
            await _fill_people(conn, heads)
            status = await conn.copy_from_query(_LINES, timezone, output=take)
        if size:
            await write(_unescaped(b"".join(pending)))
        return int(status.split()[-1])


async def _fill_people(conn: Any, heads: Iterable[tuple[int, int, str]]) -> None:
    await conn.execute(
        "CREATE TEMPORARY TABLE detail_people (k integer PRIMARY KEY, attempt_id bigint "
        "NOT NULL, head text NOT NULL) ON COMMIT DROP"
    )
    await conn.copy_records_to_table("detail_people", records=heads)
    await conn.execute("ANALYZE detail_people")
