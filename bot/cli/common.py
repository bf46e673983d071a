"""What the quizbot commands share: the consoles, opening the app, errors as messages."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot import logs
from bot.app import App, open_app
from bot.config import ConfigurationError, Settings
from handlers.contest import ContestFileError, load_contest
from handlers.formatting import duration_vn, number_vn
from handlers.phones import mask_phone
from handlers.reports.prizes import prize_labels
from handlers.rounds import RoundResults
from handlers.texts import Texts

T = TypeVar("T")
console = Console()
err = Console(stderr=True)


def run_or_exit(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's work; a bad contest file or setting is a message and exit code 2."""
    try:
        return asyncio.run(coro)
    except ContestFileError as exc:
        bad_contest_file(exc)
    except ConfigurationError as exc:
        err.print(f"[red]Cấu hình chưa đúng:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def bad_contest_file(exc: ContestFileError) -> NoReturn:
    """Say what is wrong with the contest file and exit with code 2."""
    err.print(f"[red]Tệp cấu hình cuộc thi không hợp lệ:[/red]\n{escape(str(exc))}")
    raise typer.Exit(2) from exc


def default_actor() -> str:
    """Who runs a command, as the audit log names them: cli:<the system user>."""
    return f"cli:{getpass.getuser()}"


def load_settings() -> Settings:
    """The settings, with logging set up as they say (hiding every secret they hold)."""
    s = Settings()
    logs.configure(s.log_level, secrets=secrets_of(s), fmt=s.log_format)
    return s


def secrets_of(s: Settings) -> list[str]:
    """The values in the settings that must never be written out: tokens, webhook secrets,
    the passwords in the database and Redis addresses."""
    held = [
        value.get_secret_value()
        for value in (
            s.telegram_bot_token,
            s.telegram_webhook_secret,
            s.zalo_bot_token,
            s.zalo_webhook_secret,
        )
        if value is not None
    ]
    for url in (s.database_url, s.redis_url or ""):
        try:
            password = urlsplit(url).password
        except ValueError:  # not an address we can read: nothing to take from it
            password = None
        if password:
            held.append(password)
    return held


async def with_app(action: Callable[[App], Awaitable[T]], *, clock: Any = None) -> T:
    """Open the app (database, store, contest) for one action."""
    async with open_app(load_settings(), clock=clock) as a:
        return await action(a)


async def known_round(a: App, code: str) -> None:
    """Refuse a round code the contest does not have."""
    if await a.svc.rounds.get(code) is None:
        raise typer.BadParameter(f"không có đợt {code}")


def print_results(res: RoundResults, *, top: int) -> None:
    """The first `top` of the ranking and the winners, as tables."""
    if not res.final:
        state = "tạm thời, đợt chưa đóng"
    elif res.approved:
        state = "chính thức, đã phê duyệt"
    else:
        state = f"tạm tính, chờ Ban Giám khảo phê duyệt: quizbot results {res.round.code} --review"
    console.print(
        f"[bold]{res.round.name}[/bold] ({state}): {number_vn(len(res.ranking))} người "
        f"được xếp hạng; con số thực tế của câu dự đoán: {number_vn(res.actual)}."
    )
    contest = load_contest(Settings().contest_file)
    prize_name = contest.prize_name
    # An entry that cannot win says why (excluded, on hold, set aside…), as the internal
    # workbook does: the command line is the organisers' own tool.
    prize = prize_labels(contest, res, Texts(), internal=True)
    table = Table(
        "Hạng", "Họ và tên", "Điện thoại", "Địa bàn", "Đúng", "Dự đoán", "Thời gian", "Giải"
    )
    for r in res.ranking[:top]:
        p = res.people[r.participant_id]
        table.add_row(
            str(r.rank),
            escape(p.full_name),
            mask_phone(p.phone),
            escape(p.locality),
            str(r.correct),
            "-" if r.prediction is None else number_vn(r.prediction),
            duration_vn(r.duration_ms),
            escape(prize.get(r.participant_id, "")),
        )
    console.print(table)
    winners = Table(
        "Giải", "Hạng", "Họ và tên", "Điện thoại", "Địa bàn", "Đúng", title="Người đạt giải"
    )
    for a in res.awards:
        p = res.people[a.participant_id]
        entry = next(r for r in res.ranking if r.participant_id == a.participant_id)
        winners.add_row(
            prize_name(a.tier),
            str(a.rank),
            escape(p.full_name),
            mask_phone(p.phone),
            escape(p.locality),
            str(entry.correct),
        )
    console.print(winners)
