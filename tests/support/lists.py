"""Registration lists for tests: the invented 2025 province, a list of 500 units, list files
in each format, and a contest file pointing to them."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from handlers.lists import MAX_LOCALITY, read_list

ROOT = Path(__file__).resolve().parents[2]
CONTEST_FILE = ROOT / "contest.yaml"
# Test data (see the file's header): a province after the July 2025 reform, 129 communes and
# wards under it, names made up.
HOA_SON = ROOT / "tests" / "data" / "lists" / "tinh-hoa-son-2025.yaml"
PROVINCE = "Tỉnh Hoa Sơn"
# The kinds of unit a commune has, for a list of 500 agencies and schools.
UNIT_KINDS = ("Ủy ban nhân dân", "Trường Tiểu học", "Trường THCS", "Trạm Y tế")


def unaccented(text: str) -> str:
    """What the tests take for "the same letters": no diacritics, no case, no punctuation."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def matching(labels: Sequence[str], typed: str) -> list[str]:
    """The labels every typed word is part of, worked out from the definition of a match."""
    words = unaccented(typed).split()
    return [label for label in labels if all(w in unaccented(label) for w in words)]


def hoa_son_places() -> list[str]:
    """The communes' and wards' names (without the province), in the file's order."""
    return [e.name for e in read_list(HOA_SON, max_label=MAX_LOCALITY).entries]


def place_word(name: str) -> str:
    """ "Phường Thanh Hưng" -> "Thanh Hưng"."""
    return name.split(" ", 1)[1]


def five_hundred_units() -> list[tuple[str, int]]:
    """500 units, each with a headcount: for each commune or ward of Hoa Sơn in turn, its
    People's Committee, primary school, lower secondary school and health station."""
    out = []
    for i, place in enumerate(hoa_son_places()):
        kind_of_place = "phường" if place.startswith("Phường") else "xã"
        for j, kind in enumerate(UNIT_KINDS):
            out.append((f"{kind} {kind_of_place} {place_word(place)}", 12 + (i * 7 + j * 5) % 60))
    return out[:500]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A workbook whose first sheet holds the rows (None: an empty cell)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], delimiter: str = ",") -> Path:
    """A CSV file in UTF-8 with a BOM, as Excel saves "CSV UTF-8"."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        ["" if v is None else v for v in row] for row in rows
    )
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return path


def hoa_son_contest(tmp_path: Path) -> Path:
    """contest.yaml with the Hoa Sơn list of localities and the 500 units (an XLSX file)."""
    units = write_xlsx(tmp_path / "don-vi.xlsx", [["Đơn vị", "Số người"], *five_hundred_units()])
    return contest_with(tmp_path, localities=HOA_SON, units=units)


def contest_with(tmp_path: Path, **changes: Any) -> Path:
    """contest.yaml with some keys changed (lists by absolute path), written in tmp_path."""
    data = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    data["question_bank"] = str(ROOT / data["question_bank"])
    data["localities"] = str(ROOT / data["localities"])
    for key, value in changes.items():
        data[key] = str(value) if isinstance(value, Path) else value
    path = tmp_path / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
