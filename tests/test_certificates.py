"""Certificates for a closed round's winners: one A4 landscape PDF each, names as registered."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from bot.app import App
from bot.cli import app as cli
from bot.clock import ManualClock
from bot.config import Settings
from handlers.certificates import (
    CertificateError,
    RoundNotFinalError,
    certificates,
    date_words,
)
from handlers.jury import actions as jury
from handlers.rounds import RoundResults, close_round, round_results
from tests.conftest import vn
from tests.support.client import Person

WINNERS = [
    # (uid, name, phone, right answers, prize)
    ("1", "Nguyễn Thị Ánh Tuyết", "0912345678", 9, "Giải Nhất"),
    ("2", "Đặng Văn Lực", "0987654321", 8, "Giải Nhì"),
    ("3", "Trương Ngọc Ẩn", "0355111222", 7, "Giải Nhì"),
]
FILES = [
    "01-giai-nhat-nguyen-thi-anh-tuyet.pdf",
    "02-giai-nhi-dang-van-luc.pdf",
    "03-giai-nhi-truong-ngoc-an.pdf",
]


async def _take_part(app: App) -> None:
    for uid, name, phone, right, _ in WINNERS:
        person = Person.on(app, "telegram", uid, name)
        await person.register(name=name, phone=phone)
        await person.take_attempt(correct=right)


@pytest.fixture
async def closed(app: App, clock: ManualClock) -> RoundResults:
    """Round 2023-Q1 closed on its planned day with three prize winners, approved."""
    await _take_part(app)
    clock.set(vn(2023, 3, 31, 0, 0))
    await close_round(app.svc, "2023-Q1", actor="test")
    await jury.approve(app.svc, "2023-Q1", "test")
    return await round_results(app.svc, "2023-Q1")


def _page(data: bytes) -> tuple[str, tuple[int, int]]:
    """The text of a one-page PDF (NFC) and the page size in points."""
    reader = PdfReader(io.BytesIO(data))
    [page] = reader.pages
    text = unicodedata.normalize("NFC", page.extract_text())
    return text, (round(float(page.mediabox.width)), round(float(page.mediabox.height)))


def _run_cli(settings: Settings, *args: str | Path) -> Result:
    env = {
        "DATABASE_URL": settings.database_url,
        "CONTEST_FILE": str(settings.contest_file),
        "REDIS_URL": "",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


async def test_each_winner_gets_a_certificate_naming_them_their_prize_and_the_round(
    app: App, closed: RoundResults
) -> None:
    made = certificates(app.contest, closed)

    assert [c.filename for c in made] == FILES
    for cert, (_, name, _, _, prize) in zip(made, WINNERS, strict=True):
        text, size = _page(cert.data)
        assert size == (842, 595)  # A4 landscape
        assert text.splitlines() == [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND TỈNH NINH BÌNH",
            "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "GIẤY CHỨNG NHẬN",
            "Ban Tổ chức chứng nhận",
            name,
            "Hoa Lư",  # registered as a resident of Hoa Lư
            "đã đạt",
            prize,
            "Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
            app.contest.contest.title,
            "Ninh Bình, ngày 30 tháng 3 năm 2023",
            "TRƯỞNG BAN TỔ CHỨC",
        ]


async def test_each_certificate_carries_its_winners_code_and_the_address_that_checks_it(
    app: App, closed: RoundResults
) -> None:
    codes = {award.participant_id: f"MA-{i}" for i, award in enumerate(closed.awards, 1)}

    made = certificates(
        app.contest,
        closed,
        codes=codes,
        verify_url=lambda code: f"https://cds.ninhbinh.gov.vn/xac-minh/{code}",
        issued=date(2023, 4, 12),
    )

    for i, cert in enumerate(made, 1):
        text, _ = _page(cert.data)
        assert text.splitlines()[-4:] == [
            "Ninh Bình, ngày 12 tháng 4 năm 2023",
            "TRƯỞNG BAN TỔ CHỨC",
            f"Mã xác minh: MA-{i}",
            f"https://cds.ninhbinh.gov.vn/xac-minh/MA-{i}",
        ]
        assert codes[cert.participant_id] == f"MA-{i}"


async def test_a_winner_without_a_code_stops_the_certificates(
    app: App, closed: RoundResults
) -> None:
    codes = {award.participant_id: "MA-1" for award in closed.awards[:-1]}

    with pytest.raises(CertificateError, match="Trương Ngọc Ẩn"):
        certificates(app.contest, closed, codes=codes, verify_url=lambda c: f"https://x/{c}")


async def test_an_open_round_has_no_certificates(app: App) -> None:
    await _take_part(app)
    results = await round_results(app.svc, "2023-Q1")

    with pytest.raises(RoundNotFinalError):
        certificates(app.contest, results)


async def test_a_name_the_typeface_cannot_print_stops_the_certificates(
    app: App, closed: RoundResults
) -> None:
    first = closed.awards[0].participant_id
    person = replace(closed.people[first], full_name="Nguyễn 阮 An")

    with pytest.raises(CertificateError, match="阮"):
        certificates(app.contest, replace(closed, people={**closed.people, first: person}))


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2023, 3, 30), "ngày 30 tháng 3 năm 2023"),
        (date(2023, 11, 30), "ngày 30 tháng 11 năm 2023"),
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
    ],
)
def test_the_date_is_written_out_as_administrative_documents_do(day: date, words: str) -> None:
    assert date_words(day) == words


def test_cli_writes_one_file_per_winner(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "giay-chung-nhan"

    result = _run_cli(settings, "certificates", "2023-Q1", "--out", out)

    assert result.exit_code == 0, result.output
    assert "Đã ghi 3 giấy chứng nhận" in " ".join(result.output.split())
    assert sorted(p.name for p in out.iterdir()) == FILES
    text, _ = _page((out / FILES[1]).read_bytes())
    assert "Đặng Văn Lực" in text.splitlines()


def test_cli_refuses_an_open_round(app: App, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "giay-chung-nhan"

    result = _run_cli(settings, "certificates", "2023-Q1", "--out", out)

    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Đợt Quý 1 (2023-Q1) chưa kết thúc" in said
    assert "quizbot rounds close 2023-Q1" in said
    assert not out.exists()
