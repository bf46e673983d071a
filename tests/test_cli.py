"""The organisers' command line on a temporary SQLite file: bank, rounds and results."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from bot.cli import app
from handlers.reports import RANKING_HEADERS
from questions import load_bank
from storage.db import Database
from storage.repos import (
    AnswerRow,
    Attempts,
    FinishedAttempt,
    ParticipantDetails,
    Participants,
    Questions,
)
from tests.support.spreadsheets import detail_csv

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "questions" / "banks" / "chuyen-doi-so-2023.yaml"
HEADER = ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án C", "Đáp án D", "Đáp án đúng"]


class Cli:
    """Runs quizbot commands against one temporary database."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.url = f"sqlite:///{tmp_path}/x.db"
        self.env = {
            "DATABASE_URL": self.url,
            "CONTEST_FILE": str(ROOT / "contest.yaml"),
            "REDIS_URL": "",
            "COLUMNS": "200",
        }

    def __call__(self, *args: str | Path) -> Result:
        result = CliRunner().invoke(app, [str(a) for a in args], env=self.env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def ok(self, *args: str | Path) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    def fails(self, *args: str | Path) -> str:
        result = self(*args)
        assert result.exit_code != 0, result.output
        return " ".join(result.output.split())

    def active_questions(self) -> list[str]:
        """The texts of the active bank, read straight from the database."""

        async def read() -> list[str]:
            db = await Database.open(self.url.replace("sqlite://", "sqlite+aiosqlite://"))
            try:
                return [q.text for _, q in await Questions(db).active()]
            finally:
                await db.close()

        return asyncio.run(read())


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def test_template_alone_does_not_validate(cli: Cli) -> None:
    out = cli.tmp / "mau.xlsx"
    assert "mau.xlsx" in cli.ok("questions", "template", out)
    assert out.exists()

    said = cli.fails("questions", "validate", out)

    assert "chưa có câu hỏi nào" in said
    assert "không nhập câu nào" in said


def test_template_needs_an_xlsx_name(cli: Cli) -> None:
    said = cli.fails("questions", "template", cli.tmp / "mau.csv")

    assert ".xlsx" in said
    assert not (cli.tmp / "mau.csv").exists()


def test_sample_bank_validates_and_imports(cli: Cli) -> None:
    count = len(load_bank(SAMPLE).questions)

    assert f"Hợp lệ: {count} câu hỏi" in cli.ok("questions", "validate", SAMPLE)
    assert f"Đã nhập {count} câu hỏi" in cli.ok("questions", "import", SAMPLE)
    assert cli.active_questions() == [q.text for q in load_bank(SAMPLE).questions]


def test_import_with_one_bad_row_changes_nothing(cli: Cli) -> None:
    good = [
        ["Ngày Chuyển đổi số quốc gia là ngày nào?", "10/10", "3/6", "1/1", "2/9", "A"],
        ["Chuyển đổi số là xu thế tất yếu?", "Đúng", "Sai", "", "", "A"],
    ]
    cli.ok("questions", "import", write_csv(cli.tmp / "good.csv", good))
    before = cli.active_questions()
    bad_row = ["Câu hỏi thiếu đáp án đúng?", "Có", "Không", "", "", ""]
    bad = write_csv(
        cli.tmp / "bad.csv", [*good[:1], bad_row, ["Câu mới?", "Có", "Không", "", "", "B"]]
    )

    said = cli.fails("questions", "import", bad)

    assert "dòng 3" in said
    assert "không nhập câu nào" in said
    assert cli.active_questions() == before == [row[0] for row in good]


def test_export_round_trips_the_active_bank(cli: Cli) -> None:
    cli.ok("questions", "import", SAMPLE)
    out = cli.tmp / "export.csv"

    assert "Đã xuất" in cli.ok("questions", "export", out)

    assert load_bank(out).questions == load_bank(SAMPLE).questions


def test_a_bank_with_pictures_imports_from_disk_and_exports_them_beside_it(cli: Cli) -> None:
    folder = cli.tmp / "co-anh"
    (folder / "images").mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x07" * 50
    (folder / "images" / "vneid.png").write_bytes(png)
    questions = "".join(
        f"  - text: Câu {i} có ảnh?\n    options: [Có {i}, Không {i}]\n    answer: A\n"
        f"    image: images/vneid.png\n"
        for i in range(12)
    )
    (folder / "co-anh.yaml").write_text(f"bank: co-anh\nquestions:\n{questions}", "utf-8")
    cli.ok("questions", "import", folder / "co-anh.yaml")
    out = cli.tmp / "xuat" / "ngan-hang.yaml"
    out.parent.mkdir()

    cli.ok("questions", "export", out)

    exported = load_bank(out)
    assert len(exported.questions) == 12
    assert set(exported.images.values()) == {png}
    assert all(q.image.startswith("images/") for q in exported.questions)


def test_importing_for_a_round_without_a_bank_of_its_own_changes_nothing(cli: Cli) -> None:
    cli.ok("questions", "import", SAMPLE)
    before = cli.active_questions()

    said = cli.fails("questions", "import", SAMPLE, "--round", "2023-Q1")

    assert "Đợt 2023-Q1 không có ngân hàng riêng" in said
    assert cli.active_questions() == before


def test_rounds_are_listed_with_local_times(cli: Cli) -> None:
    said = cli.ok("rounds")

    for code, opens, closes in [
        ("2023-Q1", "15/02/2023", "30/03/2023"),
        ("2023-Q2", "01/04/2023", "30/06/2023"),
        ("2023-Q3", "01/07/2023", "30/09/2023"),
        ("2023-Q4", "01/10/2023", "30/11/2023"),
    ]:
        assert code in said
        assert f"00:00 ngày {opens}" in said
        assert f"23:59 ngày {closes}" in said


def test_open_and_close_a_round_and_close_again(cli: Cli) -> None:
    assert "Đã mở đợt 2023-Q1" in cli.ok("rounds", "open", "2023-Q1", "--sample-bank")
    assert "không ở trạng thái chờ mở" in cli.fails("rounds", "open", "2023-Q1", "--sample-bank")
    assert "đang mở" in cli.ok("rounds")

    assert "Đã đóng đợt 2023-Q1" in cli.ok("rounds", "close", "2023-Q1")
    assert "Đã đóng đợt 2023-Q1" in cli.ok("rounds", "close", "2023-Q1")

    assert "đã kết thúc" in cli.ok("rounds")
    assert "không ở trạng thái chờ mở" in cli.fails("rounds", "open", "2023-Q1", "--sample-bank")


def test_unknown_round_is_refused(cli: Cli) -> None:
    assert "2099-Q1" in cli.fails("rounds", "open", "2099-Q1")
    assert "2099-Q1" in cli.fails("results", "2099-Q1")


async def _seed(url: str) -> None:
    """Three people with one attempt each in round 2023-Q1."""
    db = await Database.open(url.replace("sqlite://", "sqlite+aiosqlite://"))
    try:
        bank = (await Questions(db).active())[:10]
        t0 = datetime(2023, 2, 20, 1, 0, tzinfo=UTC)
        for i, (phone, right) in enumerate(
            [("0912345678", 9), ("0987654321", 7), ("0355111222", 8)]
        ):
            person = await Participants(db).register(
                ParticipantDetails("Nguyễn Văn An", "+84" + phone[1:], 1990, "Hoa Lư", "Người dân"),
                channel="telegram",
                channel_user_id=str(i),
                display_name="",
                source="",
                now=t0,
            )
            assert person.id is not None
            answers = tuple(
                AnswerRow(p, qid, q.correct if p < right else (q.correct + 1) % len(q.options), t0)
                for p, (qid, q) in enumerate(bank)
            )
            await Attempts(db).save(
                FinishedAttempt(
                    f"C{i}",
                    person.id,
                    "2023-Q1",
                    "telegram",
                    t0 - timedelta(minutes=5),
                    t0,
                    "2023-02-20",
                    300_000,
                    right,
                    10,
                    100,
                    False,
                    answers,
                )
            )
    finally:
        await db.close()


def test_results_workbook_has_the_ranking_with_masked_phones(cli: Cli) -> None:
    cli.ok("rounds", "open", "2023-Q1", "--sample-bank")
    asyncio.run(_seed(cli.url))
    out = cli.tmp / "kq" / "results.xlsx"

    said = cli.ok("results", "2023-Q1", "--xlsx", out)

    assert "results.xlsx" in said
    assert "*******678" in said
    sheet = load_workbook(out)["Xếp hạng"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == RANKING_HEADERS
    phone = RANKING_HEADERS.index("Số điện thoại")
    assert [(r[0], r[phone], r[5]) for r in rows[1:]] == [
        (1, "*******678", 9),
        (2, "*******222", 8),
        (3, "*******321", 7),
    ]
    assert not any("0912345678" in str(cell) for row in rows for cell in row)
    # Every counted answer is in the detail file beside it, which the output names.
    detail = cli.tmp / "kq" / "chi-tiet-2023-Q1.csv.gz"
    assert "chi-tiet-2023-Q1.csv.gz" in said
    assert "30 dòng" in said
    lines = detail_csv(detail)
    assert len(lines) == 30
    assert {line["Số điện thoại"] for line in lines} == {"*******678", "*******222", "*******321"}


def test_export_to_an_unknown_format_fails_clearly(cli: Cli) -> None:
    said = cli.fails("questions", "export", cli.tmp / "out.pdf")

    assert "Không ghi được tệp out.pdf" in said
    assert ".pdf" in said
    assert not (cli.tmp / "out.pdf").exists()
