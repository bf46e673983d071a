"""The jury on the command line: `quizbot results CODE --review` pages the winners and flagged
entries with their reasons, `--set-aside N --reason …` and `--restore N` take a place in the
ranking (or #id), `--approve` approves once; bad input is a clear message, nothing changed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from bot.app import App
from bot.cli import app as cli
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import Planted, plant


@pytest.fixture
async def planted(app: App, clock: ManualClock) -> Planted:
    planted = await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    return planted


def quizbot(settings: Settings, *args: str) -> Result:
    env = {
        "DATABASE_URL": settings.database_url,
        "CONTEST_FILE": str(settings.contest_file),
        "REDIS_URL": "",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def said(result: Result) -> str:
    return " ".join(result.output.split())


def test_review_set_aside_restore_and_approve_on_the_command_line(
    planted: Planted, settings: Settings
) -> None:
    review = quizbot(settings, "results", "2023-Q1", "--review")
    assert review.exit_code == 0, review.output
    shown = said(review)
    assert "Xét duyệt kết quả Quý 1 — tạm tính, chưa công bố" in shown
    assert "Hạng 1 Lý Văn Máy (Hoa Lư)" in shown
    assert "Trả lời nhanh bất thường: trung vị 0,4 giây một câu" in shown
    assert "Đang tạm giữ: số gõ tay là số đã xác thực của bài khác" in shown

    no_reason = quizbot(settings, "results", "2023-Q1", "--set-aside", "1")
    assert no_reason.exit_code == 2
    assert "Cần ghi lý do để riêng" in said(no_reason)
    nobody = quizbot(settings, "results", "2023-Q1", "--set-aside", "42", "--reason", "x")
    assert nobody.exit_code == 1
    assert "Không có hạng 42 trong bảng xếp hạng của đợt này." in said(nobody)
    assert "Để riêng: 0" in said(quizbot(settings, "results", "2023-Q1", "--review"))

    aside = quizbot(
        settings, "results", "2023-Q1", "--set-aside", "1", "--reason", "Máy", "--actor", "cli:a"
    )
    assert aside.exit_code == 0, aside.output
    assert f"Đã để riêng bài #{planted.ids['bot']}" in said(aside)
    again = quizbot(settings, "results", "2023-Q1", "--review")
    assert "⛔ Đã để riêng: Máy (cli:a," in said(again)

    restored = quizbot(settings, "results", "2023-Q1", "--restore", f"#{planted.ids['bot']}")
    assert f"Đã khôi phục bài #{planted.ids['bot']}" in said(restored)
    quizbot(settings, "results", "2023-Q1", "--set-aside", "1", "--reason", "Máy")

    approved = quizbot(settings, "results", "2023-Q1", "--approve")
    assert approved.exit_code == 0, approved.output
    assert "Đã phê duyệt kết quả đợt 2023-Q1." in said(approved)
    twice = quizbot(settings, "results", "2023-Q1", "--approve")
    assert "đã được phê duyệt từ trước" in said(twice)
    late = quizbot(settings, "results", "2023-Q1", "--restore", "1")
    assert late.exit_code == 1
    assert "Kết quả đợt này đã được phê duyệt" in said(late)


def test_certificates_wait_for_the_approval(planted: Planted, settings: Settings) -> None:
    early = quizbot(settings, "certificates", "2023-Q1", "--out", "/nonexistent/never")
    assert early.exit_code == 1
    assert "chưa được phê duyệt" in said(early)


def test_the_ranking_on_the_command_line_says_why_an_entry_set_aside_has_no_prize(
    planted: Planted, settings: Settings
) -> None:
    quizbot(settings, "results", "2023-Q1", "--set-aside", "1", "--reason", "Máy")

    output = quizbot(settings, "results", "2023-Q1").output
    row = next(line for line in output.splitlines() if "Lý Văn Máy" in line)

    assert row.split("│")[1].strip() == "1"
    assert row.split("│")[-2].strip() == "không xét giải: Ban Giám khảo để riêng khi xét duyệt"
    assert "tạm tính, chờ Ban Giám khảo phê duyệt" in " ".join(output.split())


def test_a_place_typed_with_console_markup_is_a_clear_message(
    planted: Planted, settings: Settings
) -> None:
    for typed in ("[/x]", "[red]3", "²", "#²"):
        result = quizbot(settings, "results", "2023-Q1", "--set-aside", typed, "--reason", "x")
        assert result.exit_code == 1
        assert f"Không có hạng {typed} trong bảng xếp hạng của đợt này." in said(result)
