"""An organiser on the command line: makes a round's certificates (each with its code, the
same when made again), checks a code someone shows them, and revokes one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.app import App
from bot.cli import app as cli
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import RoundResults
from tests.support.printed import read_page
from tests.verification_round import SITE, close_with_winners, printed_code

FILES = [
    "01-giai-nhat-nguyen-thi-anh-tuyet.pdf",
    "02-giai-nhi-dang-van-luc.pdf",
    "03-giai-nhi-truong-ngoc-an.pdf",
]


@pytest.fixture
async def closed(app: App, clock: ManualClock) -> RoundResults:
    return await close_with_winners(app, clock)


def run(settings: Settings, *args: str | Path, public: str = SITE) -> Result:
    env = {
        "DATABASE_URL": settings.database_url,
        "CONTEST_FILE": str(settings.contest_file),
        "REDIS_URL": "",
        "PUBLIC_BASE_URL": public,
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def said(result: Result) -> list[str]:
    return [" ".join(line.split()) for line in result.output.splitlines() if line.strip()]


def make(settings: Settings, out: Path) -> dict[str, str]:
    result = run(settings, "certificates", "2023-Q1", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == FILES
    return {name: printed_code((out / name).read_bytes()) for name in FILES}


def test_certificates_carry_codes_that_stay_the_same_when_made_again(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    first = make(settings, tmp_path / "lan-1")
    again = make(settings, tmp_path / "lan-2")

    assert again == first
    assert len(set(first.values())) == 3
    page = read_page((tmp_path / "lan-1" / FILES[0]).read_bytes(), "cli-first-prize")
    assert [text for text, _ in page.qr] == [f"{SITE}/xac-minh/{first[FILES[0]]}"]


def test_verify_prints_the_holder_prize_round_and_day_of_issue(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    code = make(settings, tmp_path / "gcn")[FILES[0]]

    result = run(settings, "certificates", "verify", code.lower().replace("-", " "))

    assert result.exit_code == 0, result.output
    assert said(result) == [
        f"Mã {code} hợp lệ.",
        "Người nhận: Nguyễn Thị Ánh Tuyết",
        "Đơn vị, địa phương: Sở Tư pháp, Hoa Lư",
        "Giải: Giải Nhất",
        "Đợt thi: Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
        "Ngày cấp: 30/03/2023",
    ]


@pytest.mark.parametrize("typed", ["K7P3-9QXM", "xyz"])
def test_verify_says_a_made_up_code_is_not_valid(
    closed: RoundResults, settings: Settings, tmp_path: Path, typed: str
) -> None:
    make(settings, tmp_path / "gcn")

    result = run(settings, "certificates", "verify", typed)

    assert result.exit_code == 1
    assert said(result) == [f"Mã {typed} không hợp lệ: không có giấy chứng nhận nào mang mã này."]


def test_a_revoked_code_no_longer_verifies(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    code = make(settings, tmp_path / "gcn")[FILES[1]]

    revoked = run(
        settings, "certificates", "revoke", code, "--reason", "Vi phạm thể lệ", "--actor", "bgk"
    )
    checked = run(settings, "certificates", "verify", code)
    again = run(settings, "certificates", "revoke", code, "--reason", "lần nữa")

    assert revoked.exit_code == 0, revoked.output
    assert said(revoked)[0] == f"Đã thu hồi giấy chứng nhận mã {code}."
    assert checked.exit_code == 1
    first, *rest = said(checked)
    assert re.fullmatch(
        rf"Mã {code} không hợp lệ: giấy chứng nhận đã bị thu hồi lúc \d\d:\d\d ngày "
        r"\d\d/\d\d/20\d\d \(bgk\), lý do: Vi phạm thể lệ",
        first,
    ), first
    assert rest == [
        "Giấy đã cấp cho:",
        "Người nhận: Đặng Văn Lực",
        "Đơn vị, địa phương: Kim Sơn",
        "Giải: Giải Nhì",
        "Đợt thi: Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
        "Ngày cấp: 30/03/2023",
    ]
    assert again.exit_code == 0
    assert said(again)[0] == f"Mã {code} đã bị thu hồi từ trước; không thay đổi gì."
    audit = run(settings, "audit", "--action", "certificate.revoke")
    assert audit.output.count("certificate.revoke") == 1


def test_revoking_an_unknown_code_changes_nothing(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    make(settings, tmp_path / "gcn")

    result = run(settings, "certificates", "revoke", "ABCD-EFGH", "--reason", "nhầm")

    assert result.exit_code == 1
    assert said(result) == ["Mã ABCD-EFGH không hợp lệ: không có giấy chứng nhận nào mang mã này."]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("  ", "Cần ghi lý do thu hồi (--reason)."), ("x" * 501, "Lý do thu hồi dài quá 500 ký tự")],
)
def test_revoking_without_a_fitting_reason_is_refused(
    closed: RoundResults, settings: Settings, tmp_path: Path, reason: str, message: str
) -> None:
    code = make(settings, tmp_path / "gcn")[FILES[0]]

    result = run(settings, "certificates", "revoke", code, "--reason", reason)

    assert result.exit_code == 2
    assert message in result.output
    assert run(settings, "certificates", "verify", code).exit_code == 0


def test_without_a_public_address_the_organiser_is_warned_about_the_qr_codes(
    closed: RoundResults, settings: Settings, tmp_path: Path
) -> None:
    result = run(settings, "certificates", "2023-Q1", "--out", tmp_path / "gcn", public="")

    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert (
        "Chưa đặt PUBLIC_BASE_URL: mã QR trên giấy chứng nhận trỏ tới http://127.0.0.1:8080" in text
    )
    assert "Đã ghi 3 giấy chứng nhận" in text


def test_help_lists_making_verifying_and_revoking(settings: Settings) -> None:
    result = run(settings, "certificates", "--help")

    assert result.exit_code == 0
    for word in ("make", "verify", "revoke"):
        assert word in result.output
