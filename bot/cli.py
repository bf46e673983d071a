"""The quizbot command line: the demo, the console chat, and the organisers' tools."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.app import App, open_app
from bot.clock import OffsetClock, SystemClock
from bot.config import ConfigurationError, Settings
from handlers.contest import ContestFileError, load_contest
from handlers.formatting import datetime_vn, duration_vn, number_vn
from handlers.phones import mask_phone
from handlers.reports import results_workbook
from handlers.rounds import RoundResults, close_round, open_round, reconcile, round_results
from questions import Bank, BankError, load_bank, write_bank, write_template

T = TypeVar("T")
app = typer.Typer(
    help="Bot thi trắc nghiệm Chuyển đổi số: demo, thi thử trên terminal, công cụ Ban Tổ chức.",
    no_args_is_help=True,
    add_completion=False,
)
questions_app = typer.Typer(
    help="Ngân hàng câu hỏi: nhập, kiểm tra, xuất, tạo mẫu.", no_args_is_help=True
)
rounds_app = typer.Typer(help="Các đợt thi: xem, mở, đóng.", invoke_without_command=True)
app.add_typer(questions_app, name="questions")
app.add_typer(rounds_app, name="rounds")
console = Console()
err = Console(stderr=True)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except ContestFileError as exc:
        _bad_contest_file(exc)
    except ConfigurationError as exc:
        err.print(f"[red]Cấu hình chưa đúng:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _bad_contest_file(exc: ContestFileError) -> NoReturn:
    err.print(f"[red]Tệp cấu hình cuộc thi không hợp lệ:[/red]\n{escape(str(exc))}")
    raise typer.Exit(2) from exc


def _settings() -> Settings:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return settings


async def _with_app(action: Callable[[App], Awaitable[T]], *, clock: Any = None) -> T:
    async with open_app(_settings(), clock=clock) as a:
        return await action(a)


# ------------------------------------------------------------------ the bot


@app.command()
def run() -> None:
    """Chạy bot trên các kênh đã cấu hình (Telegram: TELEGRAM_BOT_TOKEN; Zalo: ZALO_BOT_TOKEN)."""
    from bot.runtime import Runtime, tune_garbage_collector

    async def go(a: App) -> None:
        tune_garbage_collector()
        await Runtime(a).run()

    _run(_with_app(go))


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

    settings = _settings()
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

        report = _run(
            run_demo(
                participants=participants,
                round_code=round_code,
                out_dir=out,
                contest_file=settings.contest_file,
                seed=seed,
                progress=progress,
            )
        )
    console.print(
        f"Lượt thi: {report.attempts} ({report.auto_submitted} nộp tự động khi hết giờ "
        f"hoặc bỏ dở), bị từ chối do giới hạn lượt: {report.refused}. "
        f"Số người tham gia thực tế: {report.results.actual}."
    )
    console.print(f"Thành viên Tổ thư ký (không xét giải): {report.excluded_name}")
    _print_results(report.results, top=20)
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
    _run(_with_app(go, clock=clock))


def _contest_tz() -> Any:
    try:
        return load_contest(Settings().contest_file).tz
    except ContestFileError as exc:
        _bad_contest_file(exc)


# ------------------------------------------------------------------ questions


def _load_or_exit(file: Path) -> Bank:
    try:
        return load_bank(file)
    except BankError as exc:
        err.print(
            f"[red]Tệp {escape(file.name)} có lỗi, không nhập câu nào:[/red]\n{escape(str(exc))}"
        )
        raise typer.Exit(1) from exc


def _write_or_exit(file: Path, write: Callable[[Path], None]) -> None:
    try:
        write(file)
    except BankError as exc:
        err.print(f"[red]Không ghi được tệp {escape(file.name)}:[/red]\n{escape(str(exc))}")
        raise typer.Exit(1) from exc


@questions_app.command("validate")
def questions_validate(file: Path) -> None:
    """Kiểm tra tệp câu hỏi (XLSX, CSV, Aiken .txt, YAML) mà không nhập."""
    bank = _load_or_exit(file)
    console.print(f"[green]Hợp lệ:[/green] {len(bank.questions)} câu hỏi trong {file.name}.")


@questions_app.command("import")
def questions_import(
    file: Path, actor: Annotated[str, typer.Option(help="Người thực hiện.")] = "cli"
) -> None:
    """Nhập tệp câu hỏi làm ngân hàng đang dùng (thay ngân hàng cũ); lỗi thì không nhập gì."""
    bank = _load_or_exit(file)

    async def go(a: App) -> int:
        now = a.svc.clock.now()
        count = await a.svc.questions.replace_active(bank.name, bank.questions, now)
        await a.svc.audit.record(
            actor=actor,
            action="questions.import",
            at=now,
            bank=bank.name,
            count=count,
            file=file.name,
        )
        return count

    count = _run(_with_app(go))
    console.print(
        f"[green]Đã nhập {count} câu hỏi[/green] từ {file.name}; đây là ngân hàng đang dùng."
    )


@questions_app.command("template")
def questions_template(out: Path) -> None:
    """Tạo tệp Excel mẫu với các cột cần có và một dòng ví dụ."""
    _write_or_exit(out, write_template)
    console.print(f"Đã tạo tệp mẫu {out}")


@questions_app.command("export")
def questions_export(out: Path) -> None:
    """Xuất ngân hàng đang dùng ra tệp (định dạng theo đuôi tệp: .xlsx, .csv, .txt, .yaml)."""

    async def go(a: App) -> Bank:
        active = await a.svc.questions.active()
        sig = await a.svc.questions.active_bank()
        return Bank(name=sig[0] if sig else "bank", title="", questions=[q for _, q in active])

    bank = _run(_with_app(go))
    _write_or_exit(out, lambda path: write_bank(bank, path))
    console.print(f"Đã xuất {len(bank.questions)} câu hỏi ra {out}")


# ------------------------------------------------------------------ rounds and results


@rounds_app.callback()
def rounds_list(ctx: typer.Context) -> None:
    """Các đợt thi: thời gian (giờ Việt Nam) và trạng thái."""
    if ctx.invoked_subcommand is not None:
        return

    async def go(a: App) -> None:
        tz = a.contest.tz
        table = Table("Mã", "Đợt", "Mở", "Đóng", "Trạng thái", "Người tham gia")
        for r in await a.svc.rounds.all():
            count = await a.svc.attempts.participants_in_round(r.code)
            table.add_row(
                r.code,
                r.name,
                datetime_vn(r.opens_at, tz),
                datetime_vn(r.closes_at, tz),
                {"scheduled": "sắp diễn ra", "open": "đang mở", "closed": "đã kết thúc"}[r.status],
                number_vn(count),
            )
        console.print(table)

    _run(_with_app(go))


@rounds_app.command("open")
def rounds_open(code: str, actor: Annotated[str, typer.Option()] = "cli") -> None:
    """Mở một đợt thi ngay."""

    async def go(a: App) -> bool:
        if await a.svc.rounds.get(code) is None:
            raise typer.BadParameter(f"không có đợt {code}")
        return await open_round(a.svc, code, actor=actor)

    if _run(_with_app(go)):
        console.print(f"Đã mở đợt {code}.")
    else:
        err.print(f"Đợt {code} không ở trạng thái chờ mở (đang mở hoặc đã kết thúc).")
        raise typer.Exit(1)


@rounds_app.command("close")
def rounds_close(code: str, actor: Annotated[str, typer.Option()] = "cli") -> None:
    """Đóng một đợt thi: nộp các bài đang làm, chốt số người tham gia, xếp hạng, trao giải."""

    async def go(a: App) -> RoundResults:
        if await a.svc.rounds.get(code) is None:
            raise typer.BadParameter(f"không có đợt {code}")
        return await close_round(a.svc, code, actor=actor)

    results = _run(_with_app(go))
    console.print(f"Đã đóng đợt {code}.")
    _print_results(results, top=20)


@app.command()
def results(
    code: str,
    xlsx: Annotated[Path | None, typer.Option(help="Ghi kết quả ra tệp Excel.")] = None,
    top: Annotated[int, typer.Option(help="Số dòng xếp hạng in ra.")] = 20,
    full_phones: Annotated[
        bool, typer.Option(help="Ghi số điện thoại đầy đủ (bản nội bộ của Ban Tổ chức).")
    ] = False,
) -> None:
    """Xếp hạng và giải thưởng của một đợt, tính lại từ các câu trả lời đã lưu."""

    async def go(a: App) -> tuple[RoundResults, bytes | None]:
        if await a.svc.rounds.get(code) is None:
            raise typer.BadParameter(f"không có đợt {code}")
        res = await round_results(a.svc, code)
        data = await results_workbook(a.svc, res, full_phones=full_phones) if xlsx else None
        return res, data

    res, data = _run(_with_app(go))
    _print_results(res, top=top)
    if xlsx is not None and data is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_bytes(data)
        console.print(f"Tệp kết quả: {xlsx.resolve()}")


@app.command("certificates")
def certificates_command(
    code: str,
    out: Annotated[Path, typer.Option(help="Thư mục ghi các tệp PDF.")],
) -> None:
    """Giấy chứng nhận (PDF, A4 ngang) cho từng người đạt giải của một đợt đã kết thúc."""
    from handlers.certificates import CertificateError, certificates

    async def go(a: App) -> list[tuple[str, bytes]]:
        if await a.svc.rounds.get(code) is None:
            raise typer.BadParameter(f"không có đợt {code}")
        res = await round_results(a.svc, code)
        if not res.final:
            err.print(
                f"Đợt {escape(res.round.name)} ({code}) chưa kết thúc: giấy chứng nhận chỉ được "
                f"in khi đợt thi đã đóng và giải thưởng đã chốt (quizbot rounds close {code})."
            )
            raise typer.Exit(1)
        try:
            return [(c.filename, c.data) for c in certificates(a.svc.contest, res)]
        except CertificateError as exc:
            err.print(f"[red]Không tạo được giấy chứng nhận:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc

    made = _run(_with_app(go))
    if not made:
        console.print(f"Đợt {code} không có người đạt giải, không có giấy chứng nhận nào.")
        return
    out.mkdir(parents=True, exist_ok=True)
    for filename, data in made:
        (out / filename).write_bytes(data)
    console.print(f"Đã ghi {len(made)} giấy chứng nhận vào {out.resolve()}")


def _print_results(res: RoundResults, *, top: int) -> None:
    state = "chính thức" if res.final else "tạm thời, đợt chưa đóng"
    console.print(
        f"[bold]{res.round.name}[/bold] ({state}): {number_vn(len(res.ranking))} người "
        f"được xếp hạng; con số thực tế của câu dự đoán: {number_vn(res.actual)}."
    )
    prize_name = load_contest(Settings().contest_file).prize_name
    prize = {a.participant_id: prize_name(a.tier) for a in res.awards}
    table = Table(
        "Hạng", "Họ và tên", "Điện thoại", "Địa bàn", "Đúng", "Dự đoán", "Thời gian", "Giải"
    )
    for r in res.ranking[:top]:
        p = res.people[r.participant_id]
        table.add_row(
            str(r.rank),
            p.full_name,
            mask_phone(p.phone),
            p.locality,
            str(r.correct),
            "-" if r.prediction is None else number_vn(r.prediction),
            duration_vn(r.duration_ms),
            prize.get(r.participant_id, ""),
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
            p.full_name,
            mask_phone(p.phone),
            p.locality,
            str(entry.correct),
        )
    console.print(winners)


def main() -> None:
    """Entry point of the quizbot command."""
    from bot.runtime import tune_garbage_collector

    # Closing a round or writing its workbook makes millions of objects too (see the runtime).
    tune_garbage_collector()
    app()
