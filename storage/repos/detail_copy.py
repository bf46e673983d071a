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


def _ms(column: str) -> str:
    """An instant as whole milliseconds since the epoch (rounded, as the other reads)."""
    return f"CAST(round(extract(epoch FROM {column}) * 1000) AS bigint)"


def _local(column: str) -> str:
    """A stored (naive UTC) instant as local "YYYY-MM-DD HH:MM:SS.mmm", rounded to the ms."""
    rounded = f"date_trunc('milliseconds', {column} + interval '0.5 milliseconds')"
    return f"to_char(({rounded} AT TIME ZONE 'UTC') AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS.MS')"


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


def _seconds(since: str) -> str:
    """Milliseconds as "S.mmm" with Python's floor division (as detail_csv writes them)."""
    rest = f"mod(mod({since}, 1000) + 1000, 1000)"
    return f"(({since} - {rest}) / 1000)::text || '.' || lpad({rest}::text, 3, '0')"


_CHANNEL = "upper(left(t.channel, 1)) || lower(substr(t.channel, 2))"
_SINCE = _seconds(f"{_ms('x.answered_at')} - s.started_ms")
# Each counted attempt's own cells once (OFFSET 0 keeps them from being worked out per
# answer), in ranking order; then its answers a row each, by position. The plan this shape
# gets: an index scan of each attempt's answers, the question's right option remembered
# per question (Memoize), and a sort of each attempt's ten rows only (Incremental Sort).
_LINES = (
    "SELECT s.head || (x.position + 1) || ',' || x.question_id || ',' "
    f"|| coalesce(substr('{LETTERS}', x.choice + 1, 1), '') || ',' "
    f"|| coalesce(substr('{LETTERS}', x.correct + 1, 1), '') || ',' "
    "|| CASE WHEN x.correct IS NOT NULL AND x.choice = x.correct THEN 'đúng' ELSE 'sai' END "
    f"|| ',' || coalesce({_local('x.answered_at')} || ',' "
    f"|| {_SINCE}, ',') || s.tail "
    "FROM (SELECT p.k, p.attempt_id, "
    f"p.head || {_cell('t.code')} || ',' AS head, {_ms('t.started_at')} AS started_ms, "
    f"',' || {_local('t.started_at')} || ',' || {_local('t.submitted_at')} || ',' "
    "|| CASE WHEN t.auto_submitted THEN 'có' ELSE 'không' END || ',' "
    f"|| {_cell(_CHANNEL)} AS tail "
    "FROM detail_people AS p JOIN attempts AS t ON t.id = p.attempt_id "
    "ORDER BY p.k OFFSET 0) AS s "
    "CROSS JOIN LATERAL (SELECT a.position, a.question_id, a.choice, a.answered_at, q.correct "
    "FROM attempt_answers AS a LEFT JOIN questions AS q ON q.id = a.question_id "
    "WHERE a.attempt_id = s.attempt_id) AS x "
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
