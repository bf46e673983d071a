"""The organiser's lists of localities and units, read from contest.yaml or a list file, and
searched as a participant types (see names, search, files)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from handlers.lists.files import ListFileError, read_rows
from handlers.lists.names import MAX_ENTRIES, Listed, NameList, Problem, Row, build
from handlers.lists.search import Found

# The longest label each list may store (the participants table's columns).
MAX_LOCALITY = 100
MAX_UNIT = 200

__all__ = [
    "MAX_ENTRIES",
    "MAX_LOCALITY",
    "MAX_UNIT",
    "Found",
    "ListFileError",
    "Listed",
    "NameList",
    "Problem",
    "inline_list",
    "read_list",
    "read_list_files",
]


def read_list(path: Path, *, max_label: int) -> NameList:
    """The list in a file; ListFileError with every problem (and its row) when it is wrong."""
    names, problems = build(read_rows(path), max_label=max_label, source=path.name)
    if problems:
        raise ListFileError(problems)
    return names


def inline_list(items: Sequence[object], *, max_label: int) -> tuple[NameList, list[Problem]]:
    """A list written in contest.yaml: names, or mappings with name, parent and headcount."""
    rows = []
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        where = f"mục {number}"
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"name", "parent", "headcount"})
            if unknown:
                problems.append((where, f"khoá lạ {', '.join(map(str, unknown))}"))
            values = {k: "" if v is None else str(v) for k, v in item.items()}
            rows.append(
                Row(
                    where,
                    values.get("name", ""),
                    values.get("parent", ""),
                    values.get("headcount", ""),
                )
            )
        else:
            rows.append(Row(where, "" if item is None else str(item)))
    names, more = build(rows, max_label=max_label)
    return names, problems + more


# The keys of contest.yaml that hold a list, and the longest label each may store.
LIST_KEYS = {"localities": MAX_LOCALITY, "units": MAX_UNIT}
# Problems shown when a list file is wrong; past these, how many more there are.
MAX_PROBLEMS_SHOWN = 30


def read_list_files(raw: dict[str, object], contest_file: Path) -> list[str]:
    """Replace each list named by a file path in contest.yaml's mapping with the list it holds
    (a path is relative to contest.yaml); the lines saying what is wrong, or none."""
    lines: list[str] = []
    for key, max_label in LIST_KEYS.items():
        value = raw.get(key)
        if not isinstance(value, str):
            continue
        path = Path(value)
        if not path.is_absolute():
            path = contest_file.parent / path
        try:
            raw[key] = read_list(path, max_label=max_label)
        except ListFileError as exc:
            shown = exc.problems[:MAX_PROBLEMS_SHOWN]
            lines += [
                f"{contest_file}: {key}: {path}: {f'{where}: ' if where else ''}{problem}"
                for where, problem in shown
            ]
            if len(exc.problems) > len(shown):
                lines.append(f"{path}: … và {len(exc.problems) - len(shown)} lỗi khác")
    return lines
