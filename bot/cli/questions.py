"""quizbot questions: import, validate, export the question bank, and write its template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.app import App
from bot.cli.common import console, err, run_or_exit, with_app
from questions import Bank, BankError, write_bank, write_template
from questions.isolated import load_bank_file_isolated

questions_app = typer.Typer(
    help="Ngân hàng câu hỏi: nhập, kiểm tra, xuất, tạo mẫu.", no_args_is_help=True
)


def _load_or_exit(file: Path) -> Bank:
    try:
        return load_bank_file_isolated(file)
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
    file: Path,
    actor: Annotated[str, typer.Option(help="Người thực hiện.")] = "cli",
    round_code: Annotated[
        str,
        typer.Option(
            "--round", help="Mã đợt có ngân hàng riêng (rounds[].bank trong contest.yaml)."
        ),
    ] = "",
) -> None:
    """Nhập tệp câu hỏi làm ngân hàng đang dùng (thay ngân hàng cũ), hoặc làm ngân hàng riêng
    của một đợt (--round); lỗi thì không nhập gì."""
    bank = _load_or_exit(file)

    async def go(a: App) -> int:
        now = a.svc.clock.now()
        if round_code:
            try:
                name = a.svc.contest.round(round_code).bank
            except KeyError:
                name = ""
            if not name:
                err.print(
                    f"[red]Đợt {escape(round_code)} không có ngân hàng riêng[/red] "
                    "(rounds[].bank trong contest.yaml); không nhập gì."
                )
                raise typer.Exit(1)
            count = await a.svc.questions.replace_round_bank(name, bank.questions, now, bank.images)
            await a.svc.audit.record(
                actor=actor,
                action="questions.import",
                at=now,
                bank=name,
                count=count,
                file=file.name,
                rounds=[r.code for r in a.svc.contest.rounds_of_bank(name)],
            )
            return count
        count = await a.svc.questions.replace_active(bank.name, bank.questions, now, bank.images)
        await a.svc.audit.record(
            actor=actor,
            action="questions.import",
            at=now,
            bank=bank.name,
            count=count,
            file=file.name,
        )
        return count

    count = run_or_exit(with_app(go))
    if round_code:
        console.print(
            f"[green]Đã nhập {count} câu hỏi[/green] từ {file.name} làm ngân hàng riêng của "
            f"đợt {escape(round_code)}.",
            highlight=False,
        )
        return
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
        bank = Bank(name=sig[0] if sig else "bank", title="", questions=[])
        for _, q in active:
            if q.image:
                # The picture goes to images/ beside the file, where importing it finds it.
                stored = await a.svc.questions.image(q.image)
                if stored is not None:
                    bank.images[f"images/{q.image}"] = stored[1]
                q = replace(q, image=f"images/{q.image}")
            bank.questions.append(q)
        return bank

    bank = run_or_exit(with_app(go))
    _write_or_exit(out, lambda path: write_bank(bank, path))
    if bank.images:
        (out.parent / "images").mkdir(exist_ok=True)
        for name, data in bank.images.items():
            (out.parent / name).write_bytes(data)
    console.print(f"Đã xuất {len(bank.questions)} câu hỏi ra {out}")
