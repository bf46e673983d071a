"""`quizbot contest check FILE`: a contest file checked as at start, and the calendar it runs.

Preparing a new quarter or a new year starts with a new contest file; this shows what the bot
would do with it (every round's opening and closing in local time, the reminders, when each
message reaches people given the civil hours) without opening the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.common import bad_contest_file, console, err
from bot.clock import SystemClock
from bot.config import Settings
from bot.jobs import CLOSE_DELAY, plan
from handlers import retention
from handlers.contest import ContestConfig, ContestFileError, load_contest
from questions import BankError, load_bank

contest_app = typer.Typer(help="Tệp cấu hình cuộc thi (contest.yaml).", no_args_is_help=True)

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WHAT = {"open": "mở", "remind": "nhắc", "close": "đóng"}


@dataclass(frozen=True)
class CalendarLine:
    """One job of the calendar as an organiser reads it."""

    round_name: str
    what: str
    at: datetime
    # When what it announces reaches participants (the civil hours may delay it); None: the
    # winners of a close, announced once the jury approves them.
    reaches_people: datetime | None


def calendar(contest: ContestConfig, reminders: list[int]) -> list[CalendarLine]:
    """Every job the contest file implies, with when its message reaches people."""
    hours = contest.announcements
    lines = []
    for job in plan(contest, reminders=reminders):
        if job.kind == "purge":
            continue  # not a round's: said on its own line (retention_date)
        name = contest.round(job.round_code).name
        what = WHAT[job.kind] + (f" (còn {job.days_left} ngày)" if job.kind == "remind" else "")
        # A round closes at 23:59:59, as the organisers announced it; the job runs a second
        # later.
        at = job.at - CLOSE_DELAY if job.kind == "close" else job.at
        reaches: datetime | None = hours.next_allowed(job.at, contest.tz)
        if job.kind == "close" and contest.results.approval != "auto":
            reaches = None
        lines.append(CalendarLine(name, what, at, reaches))
    return lines


def retention_date(contest: ContestConfig) -> date:
    """The local day personal data is anonymised (`data_retention_days` after the last round
    closes; see handlers.retention)."""
    return retention.due(contest).astimezone(contest.tz).date()


def when(at: datetime, contest: ContestConfig) -> str:
    """23:59:59 thứ Bảy 30/03/2024"""
    local = at.astimezone(contest.tz)
    return f"{local:%H:%M:%S} {WEEKDAYS[local.weekday()]} {local:%d/%m/%Y}"


@contest_app.command("check")
def check(
    path: Annotated[Path, typer.Argument(help="Tệp cấu hình cuộc thi, ví dụ contest-2024.yaml.")],
) -> None:
    """Kiểm tra một tệp cuộc thi như lúc bot khởi động và in lịch nó sẽ chạy (không mở CSDL)."""
    try:
        contest = load_contest(path)
    except ContestFileError as exc:
        bad_contest_file(exc)
    reminders = Settings().reminder_days
    now = SystemClock().now()
    info = contest.contest
    console.print(f"[bold]Tệp hợp lệ:[/bold] {escape(str(path))}")
    console.print(
        f"{escape(info.title)} ({escape(info.code)}), {escape(info.organiser)}; "
        f"múi giờ {info.timezone}.",
        highlight=False,
    )
    rules = contest.rules
    console.print(
        f"Mỗi lượt {rules.questions_per_attempt} câu trong {rules.time_limit_minutes} phút, "
        f"{rules.attempts_per_day} lượt một ngày"
        + (f", tối đa {rules.attempts_per_round} lượt một đợt" if rules.attempts_per_round else "")
        + ". Giải mỗi đợt: "
        + ", ".join(f"{escape(p.name)} {p.count}" for p in contest.prizes)
        + f". {len(contest.localities)} địa bàn; {len(contest.excluded_phones)} số điện thoại "
        "không xét giải.",
        highlight=False,
    )
    hours = contest.announcements
    console.print(
        f"Tin nhắn tới người dự thi chỉ gửi từ {hours.earliest:%H:%M} đến {hours.latest:%H:%M}; "
        f"nhắc trước khi đóng {', '.join(str(d) for d in reminders)} ngày (REMINDER_DAYS).",
        highlight=False,
    )
    if contest.results.approval == "auto":
        approval = (
            "kết quả được phê duyệt tự động khi đóng đợt và công bố ngay (results.approval: auto)"
        )
    else:
        approval = (
            "kết quả là tạm tính khi đóng đợt, chỉ công bố sau khi Ban Giám khảo phê duyệt "
            "(results.approval: jury)"
        )
    console.print(f"Khi đóng đợt: {approval}.", highlight=False)
    _print_calendar(contest, calendar(contest, reminders), now)
    bank_ok = _print_bank(contest, path)
    _print_learning(contest)
    kept = retention_date(contest)
    console.print(
        f"Dữ liệu cá nhân được ẩn danh từ ngày {kept:%d/%m/%Y} "
        f"({contest.data_retention_days} ngày sau khi đợt cuối đóng: data_retention_days).",
        highlight=False,
    )
    past = [r.name for r in contest.rounds if contest.window(r.code)[1] < now]
    if past:
        console.print(
            f"[yellow]Lưu ý:[/yellow] đã qua lúc đóng: {escape(', '.join(past))} "
            "(bot sẽ coi các đợt này là đã kết thúc)."
        )
    if not bank_ok:
        raise typer.Exit(1)


def _print_calendar(contest: ContestConfig, lines: list[CalendarLine], now: datetime) -> None:
    table = Table("Đợt", "Việc", "Lúc (giờ địa phương)", "Tin tới người dự thi", title="Lịch")
    for line in lines:
        if line.reaches_people is None:
            reaches = "sau khi phê duyệt"
        elif line.reaches_people <= line.at + CLOSE_DELAY:
            reaches = "ngay"
        else:
            reaches = f"{line.reaches_people.astimezone(contest.tz):%H:%M %d/%m/%Y}"
        table.add_row(
            line.round_name,
            line.what,
            when(line.at, contest),
            reaches,
            style="dim" if line.at < now else None,
        )
    console.print(table)


def _print_learning(contest: ContestConfig) -> None:
    """Where practice draws from, and which rounds draw from a bank of their own."""
    practice = contest.practice_bank
    if practice is None:
        console.print(
            "Thi thử: câu hỏi của các đợt đã có kết quả (không nêu practice_bank).",
            highlight=False,
        )
    else:
        console.print(
            f"Thi thử: {escape(practice.file)} ({len(practice.questions)} câu, hợp lệ).",
            highlight=False,
        )
    for name in contest.round_banks():
        rounds = ", ".join(r.name for r in contest.rounds_of_bank(name))
        console.print(
            f"Ngân hàng riêng {escape(name)}: {escape(rounds)} "
            f"(nạp bằng quizbot questions import TỆP --round MÃ-ĐỢT).",
            highlight=False,
        )


def _print_bank(contest: ContestConfig, path: Path) -> bool:
    """Say which bank an empty database gets at start; False when it cannot be loaded."""
    if not contest.question_bank:
        console.print("Không nêu bộ câu hỏi (question_bank): nạp bằng quizbot questions import.")
        return True
    bank = Path(contest.question_bank)
    if not bank.is_absolute():  # as at start: beside the contest file
        bank = path.parent / bank
    try:
        loaded = load_bank(bank)
    except BankError as exc:
        err.print(
            f"[red]Bộ câu hỏi {escape(contest.question_bank)} không nạp được:[/red]\n"
            f"{escape(str(exc))}"
        )
        return False
    console.print(
        f"Bộ câu hỏi nạp vào CSDL chưa có bộ nào: {escape(contest.question_bank)} "
        f"({len(loaded.questions)} câu, hợp lệ).",
        highlight=False,
    )
    return True
