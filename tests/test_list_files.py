"""Registration's list files: each format reads names, the level above and headcounts; a bad
row stops the start with a message naming contest.yaml, the list file and the row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handlers.contest import ContestFileError, load_contest
from handlers.lists import Listed
from tests.support.lists import HOA_SON, PROVINCE, contest_with, write_csv, write_xlsx

Rows = list[list[Any]]
Writer = Callable[[Path, Rows], Path]

TWO_LEVELS: Rows = [
    ["STT", "Tên", "Thuộc", "Số người", "Ghi chú"],
    [1, "Xã Gia Hòa", "Huyện Gia Viễn", 1200, ""],
    [2, "Xã Gia Hưng", None, "850", "ô «Thuộc» gộp với dòng trên"],
    [None, None, None, None, None],
    [3, "Phường Nam Thành", "Thành phố Ninh Bình", None, ""],
]
EXPECTED = [
    Listed("Xã Gia Hòa", "Huyện Gia Viễn", 1200),
    Listed("Xã Gia Hưng", "Huyện Gia Viễn", 850),
    Listed("Phường Nam Thành", "Thành phố Ninh Bình", None),
]
YAML_TWO_LEVELS = """\
# two levels: each district with its communes
Huyện Gia Viễn:
  - name: Xã Gia Hòa
    headcount: 1200
  - name: Xã Gia Hưng
    headcount: "850"
Thành phố Ninh Bình:
  - Phường Nam Thành
"""


def _xlsx(path: Path, rows: Rows) -> Path:
    return write_xlsx(path.with_suffix(".xlsx"), rows)


def _csv_comma(path: Path, rows: Rows) -> Path:
    return write_csv(path.with_suffix(".csv"), rows)


def _csv_semicolon(path: Path, rows: Rows) -> Path:
    return write_csv(path.with_suffix(".csv"), rows, delimiter=";")


TABLES: dict[str, Writer] = {"xlsx": _xlsx, "csv": _csv_comma, "csv-semicolon": _csv_semicolon}


@pytest.mark.parametrize("kind", list(TABLES))
def test_a_table_reads_names_the_level_above_and_headcounts(tmp_path: Path, kind: str) -> None:
    path = TABLES[kind](tmp_path / "dia-ban", TWO_LEVELS)

    contest = load_contest(contest_with(tmp_path, localities=path))

    assert list(contest.localities.entries) == EXPECTED
    assert list(contest.localities) == [
        "Xã Gia Hòa, Huyện Gia Viễn",
        "Xã Gia Hưng, Huyện Gia Viễn",
        "Phường Nam Thành, Thành phố Ninh Bình",
    ]
    assert contest.localities.parents == ["Huyện Gia Viễn", "Thành phố Ninh Bình"]


def test_a_yaml_file_reads_the_same_list(tmp_path: Path) -> None:
    path = tmp_path / "dia-ban.yaml"
    path.write_text(YAML_TWO_LEVELS, encoding="utf-8")

    contest = load_contest(contest_with(tmp_path, localities=path))

    assert list(contest.localities.entries) == EXPECTED


def test_a_relative_path_is_read_beside_contest_yaml(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    _csv_comma(tmp_path / "lists" / "don-vi", [["Đơn vị", "Biên chế"], ["Sở Y tế", 45]])

    contest = load_contest(contest_with(tmp_path, units="lists/don-vi.csv"))

    assert contest.units is not None
    assert list(contest.units.entries) == [Listed("Sở Y tế", "", 45)]


@pytest.mark.parametrize(
    "header",
    [
        ["Ten", "Thuoc", "So nguoi"],
        ["Name", "Parent", "Headcount"],
        ["TÊN", "Cấp trên", "Số lượng"],
    ],
)
def test_column_titles_without_diacritics_or_in_english_are_read(
    tmp_path: Path, header: list[str]
) -> None:
    path = _xlsx(tmp_path / "dia-ban", [header, ["Xã Gia Hòa", "Huyện Gia Viễn", 1200]])

    contest = load_contest(contest_with(tmp_path, localities=path))

    assert list(contest.localities.entries) == [EXPECTED[0]]


LONG = ("Sở " + "Thông tin và Truyền thông " * 9).strip()
BAD_ROWS: Rows = [
    ["Tên", "Số người"],
    ["Trường THCS Gia Hòa", 40],  # row 2, good
    [None, 12],  # row 3: no name
    ["Trường Tiểu học Gia Hòa", "mười"],  # row 4
    ["Trạm Y tế xã Gia Hòa", 0],  # row 5
    ["TRƯỜNG THCS GIA HOA", 30],  # row 6: row 2 again, in capitals and without diacritics
    ["Khác", None],  # row 7
    [LONG, 45],  # row 8: 236 characters
    ["Ủy ban nhân dân xã Gia Hòa", "1.250"],  # row 9, good: 1250
]
PROBLEMS = [
    "dòng 3: thiếu tên",
    "dòng 4: số người «mười» phải là số nguyên từ 1 trở lên",
    "dòng 5: số người «0» phải là số nguyên từ 1 trở lên",
    "dòng 6: trùng với dòng 2 («TRƯỜNG THCS GIA HOA»)",
    "dòng 7: «Khác» và «Người dân» luôn có sẵn khi đăng ký, không ghi vào danh sách",
    "dòng 8: tên dài 236 ký tự (kể cả tên cấp trên), tối đa 200",
]
YAML_BAD_ROWS = """\
- name: Trường THCS Gia Hòa
  headcount: 40
- name: ""
  headcount: 12
- name: Trường Tiểu học Gia Hòa
  headcount: mười
- name: Trạm Y tế xã Gia Hòa
  headcount: 0
- name: TRƯỜNG THCS GIA HOA
  headcount: 30
- Khác
- {long}
- name: Ủy ban nhân dân xã Gia Hòa
  headcount: "1.250"
""".replace("{long}", LONG)
YAML_PROBLEMS = [
    "dòng 3: thiếu tên",
    "dòng 5: số người «mười» phải là số nguyên từ 1 trở lên",
    "dòng 7: số người «0» phải là số nguyên từ 1 trở lên",
    "dòng 9: trùng với dòng 1 («TRƯỜNG THCS GIA HOA»)",
    "dòng 11: «Khác» và «Người dân» luôn có sẵn khi đăng ký, không ghi vào danh sách",
    "dòng 12: tên dài 236 ký tự (kể cả tên cấp trên), tối đa 200",
]


def _units_file(tmp_path: Path, kind: str) -> Path:
    if kind == "yaml":
        path = tmp_path / "don-vi.yaml"
        path.write_text(YAML_BAD_ROWS, encoding="utf-8")
        return path
    return TABLES[kind](tmp_path / "don-vi", BAD_ROWS)


@pytest.mark.parametrize("kind", [*TABLES, "yaml"])
def test_bad_rows_stop_the_start_naming_the_file_and_each_row(tmp_path: Path, kind: str) -> None:
    units = _units_file(tmp_path, kind)
    contest_file = contest_with(tmp_path, units=units)

    with pytest.raises(ContestFileError) as caught:
        load_contest(contest_file)

    lines = str(caught.value).splitlines()
    prefix = f"{contest_file}: units: {units}: "
    assert all(line.startswith(prefix) for line in lines), lines
    assert [line.removeprefix(prefix) for line in lines] == (
        YAML_PROBLEMS if kind == "yaml" else PROBLEMS
    )


def test_a_good_list_of_the_same_rows_reads_a_grouped_headcount(tmp_path: Path) -> None:
    good = [BAD_ROWS[0], BAD_ROWS[1], BAD_ROWS[8]]
    contest = load_contest(contest_with(tmp_path, units=_xlsx(tmp_path / "don-vi", good)))

    assert contest.units is not None
    assert [(e.name, e.headcount) for e in contest.units.entries] == [
        ("Trường THCS Gia Hòa", 40),
        ("Ủy ban nhân dân xã Gia Hòa", 1250),
    ]


def test_a_locality_longer_than_the_stored_column_is_refused(tmp_path: Path) -> None:
    name = "Xã " + "Gia Hòa " * 11  # 90 characters; with its district, 106
    path = _csv_comma(tmp_path / "dia-ban", [["Tên", "Thuộc"], [name, "Huyện Gia Viễn"]])

    with pytest.raises(ContestFileError) as caught:
        load_contest(contest_with(tmp_path, localities=path))

    assert "dòng 2: tên dài 106 ký tự (kể cả tên cấp trên), tối đa 100" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("khong-co.xlsx", None, "không có tệp này"),
        ("dia-ban.txt", b"Hoa Lu\n", "định dạng tệp không hỗ trợ, dùng .xlsx, .csv, .yaml"),
        ("dia-ban.xlsx", b"not a workbook", "tệp không phải là bảng tính Excel (.xlsx)"),
        (
            "dia-ban.csv",
            "Tên\nHoa Lư\n".encode("cp1258"),
            "dòng 1: tệp không dùng bảng mã UTF-8",
        ),
        ("dia-ban.csv", "STT;Địa chỉ\n1;Hoa Lư\n".encode(), "dòng 1: dòng đầu cần có cột «Tên»"),
        (
            "dia-ban.csv",
            "Tên,Thuộc\nXã Gia Hòa,\n".encode(),
            "dòng 2: thiếu «Thuộc» (tên cấp trên của mục này)",
        ),
        ("dia-ban.csv", "Tên\n\n".encode(), "danh sách không có mục nào"),
        (
            "dia-ban.csv",
            ("Tên\n" + "Hoa Lư\n" + ";\n" * 20_000).encode(),
            "tệp có hơn 20.000 dòng (kể cả dòng trống); hãy xoá các dòng thừa",
        ),
        ("dia-ban.yaml", b"Hoa Lu: [\n", "lỗi cú pháp YAML"),
        ("dia-ban.yaml", b"just a name\n", "tệp cần là một danh sách «- tên»"),
        (
            "dia-ban.yaml",
            b"- name: Hoa Lu\n  population: 3\n",
            "dòng 1: mỗi mục là một tên, hoặc «name: …» với «headcount: …»",
        ),
    ],
)
def test_a_list_file_that_cannot_be_read_says_why(
    tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    contest_file = contest_with(tmp_path, localities=path)

    with pytest.raises(ContestFileError) as caught:
        load_contest(contest_file)

    assert f"{contest_file}: localities: {path}: " in str(caught.value)
    assert problem in str(caught.value)


def test_the_old_inline_list_of_contest_yaml_still_works(tmp_path: Path) -> None:
    names = ["Thành phố Ninh Bình", "Nho Quan", "Hoa Lư"]

    contest = load_contest(contest_with(tmp_path, localities=names))

    assert list(contest.localities) == names
    assert not contest.localities.two_level


def test_an_inline_list_may_give_the_level_above_and_headcounts(tmp_path: Path) -> None:
    items = [
        {"name": "Xã Gia Hòa", "parent": "Huyện Gia Viễn", "headcount": 1200},
        "Thành phố Tam Điệp",
    ]

    contest = load_contest(contest_with(tmp_path, localities=items))

    assert list(contest.localities.entries) == [
        EXPECTED[0],
        Listed("Thành phố Tam Điệp"),
    ]


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        ([], "danh sách không có mục nào"),
        (["Hoa Lư", "hoa lu"], "mục 2: trùng với mục 1 («hoa lu»)"),
        ([{"name": "Hoa Lư", "dan_so": 3}], "mục 1: khoá lạ dan_so"),
        (["Hoa Lư", "Người dân"], "mục 2: «Khác» và «Người dân» luôn có sẵn"),
    ],
)
def test_a_bad_inline_list_names_the_field_and_the_item(
    tmp_path: Path, items: list[Any], problem: str
) -> None:
    contest_file = contest_with(tmp_path, localities=items)

    with pytest.raises(ContestFileError) as caught:
        load_contest(contest_file)

    assert f"{contest_file}: localities: " in str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"collective_prizes": [{"name": "Giải tập thể"}]},
            "'Giải tập thể' is among units, but there is no units list",
        ),
        (
            {
                "units": ["Sở Y tế", "Sở Tài chính"],
                "collective_prizes": [{"name": "Giải tập thể", "by": "rate"}],
            },
            "'Giải tập thể' needs headcounts, and the units list gives none",
        ),
        (
            {
                "localities": [{"name": "Hoa Lư", "headcount": 90}],
                "collective_prizes": [
                    {"name": "Giải địa bàn", "among": "localities", "by": "participants"},
                    {"name": "Giải địa bàn", "among": "localities", "by": "rate"},
                ],
            },
            "a prize name is listed twice",
        ),
        (
            {"units": ["Sở Y tế"], "collective_prizes": [{"name": "G", "by": "most"}]},
            "collective_prizes.0.by",
        ),
    ],
)
def test_a_collective_prize_without_the_list_it_needs_stops_the_start(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ContestFileError) as caught:
        load_contest(contest_with(tmp_path, **changes))

    assert problem in str(caught.value)


def test_the_two_level_example_is_a_province_of_over_a_hundred_communes_and_wards(
    tmp_path: Path,
) -> None:
    contest = load_contest(contest_with(tmp_path, localities=HOA_SON))

    names = contest.localities
    assert len(names) == 129
    assert names.parents == [PROVINCE]
    assert sum(e.name.startswith("Phường ") for e in names.entries) == 32
    assert sum(e.name.startswith("Xã ") for e in names.entries) == 97
    assert all(label.endswith(f", {PROVINCE}") for label in names)
