"""An organiser preparing next year checks the new contest file: `quizbot contest check` says
what is wrong, naming the field, or shows the calendar the bot would run, without touching the
database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.cli.contest import retention_date
from handlers.contest import load_contest

ROOT = Path(__file__).resolve().parents[2]


def next_year(tmp_path: Path, **changes: Any) -> Path:
    """The repository's contest file made into 2024's: two rounds, other civil hours."""
    data = yaml.safe_load((ROOT / "contest.yaml").read_text(encoding="utf-8"))
    data["contest"]["code"] = "cds-ninhbinh-2024"
    data["rounds"] = [
        {"code": "2024-Q1", "name": "Quý 1", "opens": "2024-03-01", "closes": "2024-03-31"},
        {"code": "2024-Q2", "name": "Quý 2", "opens": "2024-04-15", "closes": "2024-06-30"},
    ]
    data["announcements"] = {"earliest": "08:00", "latest": "20:00"}
    data["question_bank"] = str(ROOT / "questions" / "banks" / "chuyen-doi-so-2023.yaml")
    data["localities"] = str(ROOT / data["localities"])
    data.update(changes)
    path = tmp_path / "contest-2024.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def check(path: Path, tmp_path: Path, **env: str) -> tuple[Result, str]:
    result = CliRunner().invoke(
        app,
        ["contest", "check", str(path)],
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", "COLUMNS": "200", **env},
    )
    return result, " ".join(result.output.split())


def test_the_calendar_of_next_years_file_in_local_time(tmp_path: Path) -> None:
    result, said = check(next_year(tmp_path), tmp_path)

    assert result.exit_code == 0, result.output
    assert "Tệp hợp lệ:" in said
    assert "Tin nhắn tới người dự thi chỉ gửi từ 08:00 đến 20:00" in said
    # Opens at midnight; people hear of it when the civil hours begin.
    assert "│ Quý 1 │ mở │ 00:00:00 thứ Sáu 01/03/2024 │ 08:00 01/03/2024 │" in said
    assert "│ Quý 1 │ nhắc (còn 3 ngày) │ 23:59:59 thứ Năm 28/03/2024 │ 08:00 29/03/2024 │" in said
    assert "│ Quý 1 │ nhắc (còn 1 ngày) │ 23:59:59 thứ Bảy 30/03/2024 │ 08:00 31/03/2024 │" in said
    # The winners are announced once the jury approves them.
    assert "Khi đóng đợt: kết quả là tạm tính khi đóng đợt" in said
    assert "│ Quý 1 │ đóng │ 23:59:59 Chủ nhật 31/03/2024 │ sau khi phê duyệt │" in said
    assert "│ Quý 2 │ đóng │ 23:59:59 Chủ nhật 30/06/2024 │ sau khi phê duyệt │" in said
    assert said.count("│ Quý") == 8
    assert "chuyen-doi-so-2023.yaml (100 câu, hợp lệ)" in said
    # Nothing was opened: the database in DATABASE_URL is not there.
    assert not (tmp_path / "live.db").exists()


def test_a_contest_approving_automatically_announces_winners_the_morning_after_closing(
    tmp_path: Path,
) -> None:
    result, said = check(next_year(tmp_path, results={"approval": "auto"}), tmp_path)

    assert result.exit_code == 0, result.output
    assert "(results.approval: auto)" in said
    assert "│ Quý 1 │ đóng │ 23:59:59 Chủ nhật 31/03/2024 │ 08:00 01/04/2024 │" in said


def test_the_reminders_follow_reminder_days(tmp_path: Path) -> None:
    result, said = check(next_year(tmp_path), tmp_path, REMINDER_DAYS="2")

    assert result.exit_code == 0, result.output
    assert "│ Quý 2 │ nhắc (còn 2 ngày) │ 23:59:59 thứ Sáu 28/06/2024 │ 08:00 29/06/2024 │" in said
    assert "còn 3 ngày" not in said
    assert "còn 1 ngày" not in said


def test_this_years_rounds_already_past_are_pointed_out(tmp_path: Path) -> None:
    result, said = check(ROOT / "contest.yaml", tmp_path)

    assert result.exit_code == 0, result.output
    assert "Lưu ý: đã qua lúc đóng: Quý 1, Quý 2, Quý 3, Quý 4" in said


def test_a_wrong_file_is_refused_naming_each_field(tmp_path: Path) -> None:
    wrong = next_year(
        tmp_path,
        rounds=[
            {"code": "2024-Q1", "name": "Quý 1", "opens": "2024-03-01", "closes": "2024-04-30"},
            {"code": "2024-Q2", "name": "Quý 2", "opens": "2024-04-15", "closes": "2024-06-30"},
        ],
    )
    result, said = check(wrong, tmp_path)

    assert result.exit_code == 2
    assert "Tệp cấu hình cuộc thi không hợp lệ" in said
    assert "rounds: rounds 2024-Q1 and 2024-Q2 overlap" in said
    assert "Lịch" not in said

    unquoted = next_year(tmp_path, announcements={"earliest": 450, "latest": "20:00"})
    result, said = check(unquoted, tmp_path)
    assert result.exit_code == 2
    assert "announcements.earliest" in said
    assert 'write the time in quotes, for example "07:30"' in said


def test_a_question_bank_that_cannot_be_loaded_fails_the_check(tmp_path: Path) -> None:
    result, said = check(next_year(tmp_path, question_bank="cau-hoi-2024.xlsx"), tmp_path)

    assert result.exit_code == 1
    assert "Bộ câu hỏi cau-hoi-2024.xlsx không nạp được" in said
    assert "không tìm thấy tệp" in said


def test_the_retention_date_is_counted_from_the_last_rounds_close(tmp_path: Path) -> None:
    """`data_retention_days` (default 180) after the last round closes, as a local day."""
    result, said = check(next_year(tmp_path, data_retention_days=90), tmp_path)

    assert result.exit_code == 0, said
    assert "Dữ liệu cá nhân được ẩn danh từ ngày 28/09/2024 (90 ngày" in said
    assert retention_date(load_contest(next_year(tmp_path))) == date(2024, 12, 27)


def test_the_practice_bank_and_the_rounds_own_banks_are_shown(tmp_path: Path) -> None:
    practice = ROOT / "tests" / "data" / "banks" / "thi-thu.yaml"
    rounds = [
        {"code": "2024-Q1", "name": "Quý 1", "opens": "2024-03-01", "closes": "2024-03-31"},
        {"code": "2024-Q2", "name": "Quý 2", "opens": "2024-04-15", "closes": "2024-06-30"},
        {"code": "2024-Q3", "name": "Quý 3", "opens": "2024-07-01", "closes": "2024-09-30"},
    ]
    rounds[1]["bank"] = rounds[2]["bank"] = "nua-sau"
    path = next_year(tmp_path, practice_bank=str(practice), rounds=rounds)

    result, said = check(path, tmp_path)

    assert result.exit_code == 0, said
    assert "Thi thử: thi-thu.yaml (4 câu, hợp lệ)." in said
    assert "Ngân hàng riêng nua-sau: Quý 2, Quý 3" in said


def test_a_practice_bank_that_cannot_be_loaded_fails_the_check(tmp_path: Path) -> None:
    result, said = check(next_year(tmp_path, practice_bank="thi-thu-2024.xlsx"), tmp_path)

    assert result.exit_code != 0
    assert "practice_bank" in said
    assert "không tìm thấy tệp" in said
