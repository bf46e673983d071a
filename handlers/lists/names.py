"""The organiser's lists of localities and units: what an entry is, the checks a list passes,
and the list as registration offers it (labels in the file's order, searchable).

An entry has a name, optionally the name of the level above it (a commune's district before
July 2025, its province after), and optionally a headcount (the people of a unit, the target
of a locality), against which participation rates are worked out. What is stored for a
participant is the entry's label: its name, or "name, parent" in a two-level list, so that two
communes of the same name in different districts stay apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from handlers.details import clean
from handlers.lists.search import Found, Keys, search

# More would make registration's search slow and the statistics sheet unreadable; a province
# has a few hundred communes and wards, and a few thousand agencies and schools at most.
MAX_ENTRIES = 5000
# Always offered beside the list, so a list may not name them.
RESERVED = ("khac", "nguoi dan")

# (where in the file, problem): "dòng 7" or "mục 3", or "" for the whole list.
Problem = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Listed:
    """One entry of a list."""

    name: str
    parent: str = ""
    headcount: int | None = None

    @property
    def label(self) -> str:
        """What registration stores and statistics show: the name, and its parent if any."""
        return f"{self.name}, {self.parent}" if self.parent else self.name


@dataclass(frozen=True, slots=True)
class Row:
    """An entry as a file gives it, before the checks: text cells, and where it is."""

    where: str
    name: str
    parent: str = ""
    headcount: str = ""


class NameList(Sequence[str]):
    """A checked list: a sequence of its entries' labels, in the order of the file."""

    def __init__(self, entries: Sequence[Listed], source: str = "") -> None:
        self.entries: tuple[Listed, ...] = tuple(entries)
        # Where the list came from (a file name, or "" for a list written in contest.yaml).
        self.source = source
        self._labels = [e.label for e in self.entries]
        self._keys = [Keys.of(e.name, e.parent) for e in self.entries]
        self._positions = {label: i for i, label in enumerate(self._labels)}

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._labels[index]

    def __len__(self) -> int:
        return len(self._labels)

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __contains__(self, value: object) -> bool:
        return value in self._positions

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NameList):
            return self.entries == other.entries
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"NameList({len(self)} entries from {self.source or 'contest.yaml'})"

    @property
    def two_level(self) -> bool:
        """Whether entries name the level above them."""
        return any(e.parent for e in self.entries)

    @property
    def parents(self) -> list[str]:
        """The upper level's names, in the order they first appear."""
        return list(dict.fromkeys(e.parent for e in self.entries if e.parent))

    @property
    def with_headcounts(self) -> bool:
        """Whether any entry gives a headcount."""
        return any(e.headcount is not None for e in self.entries)

    def position(self, label: str) -> int | None:
        """Where the entry with exactly this label is, or None when none has it."""
        return self._positions.get(label)

    def entry(self, label: str) -> Listed | None:
        """The entry with exactly this label, or None."""
        at = self._positions.get(label)
        return None if at is None else self.entries[at]

    def search(self, text: str, limit: int) -> Found:
        """The entries a typed text may mean, best first (see handlers.lists.search)."""
        return search(self._keys, text, limit)

    def named(self, text: str) -> str | None:
        """The label of the one entry the text names exactly (case, diacritics and the kind
        of place aside: "hoa lu" names "Phường Hoa Lư"), or None."""
        found = self.search(text, 1)
        return self._labels[found.exact] if found.exact is not None else None


def build(
    rows: Sequence[Row], *, max_label: int, source: str = ""
) -> tuple[NameList, list[Problem]]:
    """The list the rows make, and every problem found in them (the list is only good to use
    when there are none)."""
    problems: list[Problem] = []
    if not rows:
        problems.append(("", "danh sách không có mục nào"))
    if len(rows) > MAX_ENTRIES:
        problems.append(("", f"danh sách có {len(rows)} mục, tối đa {MAX_ENTRIES}"))
        rows = rows[:MAX_ENTRIES]
    entries: list[Listed] = []
    seen: dict[str, str] = {}
    for row in rows:
        entry, why = _entry(row, max_label)
        problems.extend((row.where, p) for p in why)
        if entry is None:
            continue
        key = Keys.of(entry.name, entry.parent).label
        if key in seen:
            problems.append((row.where, f"trùng với {seen[key]} («{entry.label}»)"))
            continue
        seen[key] = row.where
        entries.append(entry)
    return NameList(entries, source), problems


def _entry(row: Row, max_label: int) -> tuple[Listed | None, list[str]]:
    name, parent = clean(row.name), clean(row.parent)
    problems = []
    if not name:
        return None, ["thiếu tên"]
    if Keys.of(name, "").name in RESERVED:
        problems.append("«Khác» và «Người dân» luôn có sẵn khi đăng ký, không ghi vào danh sách")
    headcount = None
    if row.headcount.strip():
        headcount = _headcount(row.headcount)
        if headcount is None:
            problems.append(f"số người «{row.headcount.strip()}» phải là số nguyên từ 1 trở lên")
    entry = Listed(name, parent, headcount)
    if len(entry.label) > max_label:
        problems.append(
            f"tên dài {len(entry.label)} ký tự (kể cả tên cấp trên), tối đa {max_label}"
        )
    return (None if problems else entry), problems


def _headcount(text: str) -> int | None:
    """A headcount as typed: digits, perhaps grouped by dots or spaces ("1.250")."""
    digits = text.strip().replace(".", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        return None
    number = int(digits)
    return number if number >= 1 else None
