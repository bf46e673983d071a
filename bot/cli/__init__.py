"""The quizbot command line: the bot, the demo, the console chat, and the organisers' tools.

The organisers' commands live beside this module: questions.py (the question bank),
rounds.py (rounds, results), certificates.py (making, verifying and revoking certificates),
participants.py (identities), backup.py (backup and restore) and contest.py (checking a
contest file); common.py has what they share.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot import logs
from bot.app import App
from bot.cli.backup import backup_command, restore_command
from bot.cli.certificates import certificates_app
from bot.cli.common import (
    bad_contest_file,
    console,
    load_settings,
    print_results,
    run_or_exit,
    with_app,
)
from bot.cli.contest import contest_app
from bot.cli.data import audit_command, data_app
from bot.cli.participants import participants_app
from bot.cli.questions import questions_app
from bot.cli.rounds import results, rounds_app
from bot.clock import OffsetClock, SystemClock
from bot.config import Settings
from handlers.contest import ContestFileError, load_contest
from handlers.rounds import reconcile

log = logging.getLogger("bot.cli")

app = typer.Typer(
    help="Bot thi trắc nghiệm Chuyển đổi số: demo, thi thử trên terminal, công cụ Ban Tổ chức.",
    no_args_is_help=True,
    add_completion=False,
    # An unexpected error goes to the log (see main), never to Typer's printout of every
    # frame's local variables, a token among them.
    pretty_exceptions_enable=False,
)


# ------------------------------------------------------------------ the bot


@app.command()
def run() -> None:
    """Chạy bot trên các kênh đã cấu hình (Telegram: TELEGRAM_BOT_TOKEN; Zalo: ZALO_BOT_TOKEN)."""
    from bot.runtime import Runtime, StartError, tune_interpreter

    async def go(a: App) -> None:
        # Again (main did it first) so that what opening the app loaded is frozen too.
        tune_interpreter()
        try:
            await Runtime(a).run()
        except StartError as exc:
            log.error("cannot start: %s", exc)
            raise typer.Exit(1) from None

    run_or_exit(with_app(go))


# ------------------------------------------------------------------ demo and chat


@app.command()
def demo(
    participants: Annotated[
        int, typer.Option(min=1, max=100_000, help="Số người thi mô phỏng.")
    ] = 200,
    round_code: Annotated[str, typer.Option("--round", help="Đợt thi mô phỏng.")] = "2023-Q1",
    out: Annotated[
        Path, typer.Option(help="Thư mục ghi cơ sở dữ liệu demo và tệp kết quả.")
    ] = Path("data/demo"),
    seed: Annotated[
        int, typer.Option(help="Hạt giống ngẫu nhiên (cùng số thì cùng kết quả).")
    ] = 2023,
) -> None:
    """Chạy một đợt thi mô phỏng từ lúc mở tới lúc trao giải, qua đúng bộ máy của bot."""
    from bot.demo import run_demo

    settings = load_settings()
    # Each simulated update would log a line (thousands); the progress bar below says it all.
    updates = logging.getLogger("bot.updates")
    level = updates.level
    updates.setLevel(max(logging.WARNING, updates.getEffectiveLevel()))
    try:
        console.print(
            f"[bold]Demo[/bold]: {participants} người thi mô phỏng, đợt {round_code} "
            f"(SQLite mới trong {out}, kho phiên trong bộ nhớ)."
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("Lượt thi", total=None)

            def progress(_step: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = run_or_exit(
                run_demo(
                    participants=participants,
                    round_code=round_code,
                    out_dir=out,
                    contest_file=settings.contest_file,
                    seed=seed,
                    progress=progress,
                )
            )
    finally:
        updates.setLevel(level)
    console.print(
        f"Lượt thi: {report.attempts} ({report.auto_submitted} nộp tự động khi hết giờ "
        f"hoặc bỏ dở), bị từ chối do giới hạn lượt: {report.refused}. "
        f"Số người tham gia thực tế: {report.results.actual}."
    )
    console.print(f"Thành viên Tổ thư ký (không xét giải): {report.excluded_name}")
    print_results(report.results, top=20)
    console.print(f"Tệp kết quả: [bold]{report.xlsx.resolve()}[/bold]")
    console.print(f"Thời gian chạy: {report.wall_seconds:.1f} giây")


@app.command()
def chat(
    at: Annotated[
        datetime | None,
        typer.Option(
            help="Giả lập thời điểm (giờ Việt Nam), ví dụ 2023-02-20T08:00 để thi thử trong Quý 1."
        ),
    ] = None,
) -> None:
    """Tham gia cuộc thi ngay trên terminal (kênh console)."""
    from bot.channels.console import run_console

    async def go(a: App) -> None:
        await reconcile(a.svc)
        await run_console(a.engine)

    clock: Any = SystemClock()
    if at is not None:
        clock = OffsetClock(at.replace(tzinfo=_contest_tz()) if at.tzinfo is None else at)
    run_or_exit(with_app(go, clock=clock))


def _contest_tz() -> Any:
    try:
        return load_contest(Settings().contest_file).tz
    except ContestFileError as exc:
        bad_contest_file(exc)


# The organisers' tools, listed after the bot's own commands.
app.add_typer(questions_app, name="questions")
app.add_typer(rounds_app, name="rounds")
app.add_typer(participants_app, name="participants")
app.add_typer(data_app, name="data")
app.command("audit")(audit_command)
app.command("results")(results)
app.add_typer(certificates_app, name="certificates")
# Running it for a year: backups, and checking next quarter's contest file.
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.add_typer(contest_app, name="contest")


def main() -> None:
    """Entry point of the quizbot command."""
    from bot.runtime import tune_interpreter

    # Closing a round or writing its workbook makes millions of objects too (see the runtime).
    tune_interpreter()
    try:
        app()
    except Exception:
        # Through the log, whose formatter hides tokens, rather than a bare traceback.
        if not logging.getLogger().handlers:
            logs.configure(logging.INFO)
        log.critical("quizbot stopped on an unexpected error", exc_info=True)
        sys.exit(1)
