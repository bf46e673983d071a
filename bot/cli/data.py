"""quizbot data purge and quizbot audit: personal data at the end of its retention time, and
the audit log (with who took files with whole phone numbers)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bot.app import App
from bot.cli.common import console, default_actor, err, run_or_exit, with_app
from handlers import downloads, retention
from handlers.formatting import datetime_vn, number_vn
from storage.models import AuditEntry

data_app = typer.Typer(
    help="Dữ liệu cá nhân: ẩn danh người dự thi khi hết thời hạn lưu trữ.", no_args_is_help=True
)


@data_app.command("purge")
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ cho biết sẽ làm gì, không thay đổi gì.")
    ] = False,
    before_due: Annotated[
        bool, typer.Option("--before-due", help="Ẩn danh ngay, trước thời hạn lưu trữ.")
    ] = False,
    actor: Annotated[str, typer.Option(help="Người thực hiện (ghi vào nhật ký).")] = "",
) -> None:
    """Ẩn danh mọi người dự thi (họ tên, số điện thoại, năm sinh, tài khoản), giữ hồ sơ giải
    thưởng; lịch của bot tự chạy khi tới hạn (data_retention_days sau đợt thi cuối)."""

    async def go(a: App) -> tuple[retention.PurgeReport, Any]:
        try:
            report = await retention.purge(
                a.svc, actor=actor or default_actor(), dry_run=dry_run, before_due=before_due
            )
        except retention.PurgeRefusedError as exc:
            err.print(f"[red]Chưa ẩn danh:[/red] {escape(str(exc))}.")
            if isinstance(exc, retention.PurgeNotDueError):
                err.print("Xem trước bằng --dry-run; ẩn danh ngay bằng --before-due.")
            raise typer.Exit(1) from exc
        return report, a.contest.tz

    report, tz = run_or_exit(with_app(go))
    e = report.erased
    console.print(f"Hạn ẩn danh: {datetime_vn(report.due, tz)}.")
    if report.done_at is not None and report.dry_run:
        console.print(f"Đã ẩn danh một lần lúc {datetime_vn(report.done_at, tz)}.")
    head = "Sẽ ẩn danh" if report.dry_run else "Đã ẩn danh"
    console.print(
        f"{head} {number_vn(e.entries)} người dự thi: {number_vn(e.deleted)} xoá hẳn (không "
        f"có kết quả đợt đã kết thúc), {number_vn(e.entries - e.deleted)} giữ dòng ẩn danh "
        "trong bảng xếp hạng."
    )
    console.print(
        f"Xoá {number_vn(e.accounts)} tài khoản, {number_vn(e.phones)} số điện thoại đã dùng, "
        f"{number_vn(e.attempts)} lượt thi của đợt chưa kết thúc; giữ ẩn danh "
        f"{number_vn(e.kept_attempts)} lượt thi của đợt đã kết thúc; giữ {number_vn(e.prizes)} "
        "hồ sơ giải thưởng (họ tên, số điện thoại lúc đóng đợt)."
    )
    if report.dry_run:
        console.print("Chưa thay đổi gì (--dry-run).")


def audit_command(
    downloads_only: Annotated[
        bool,
        typer.Option("--downloads", help="Chỉ những lần tải tệp có số điện thoại đầy đủ."),
    ] = False,
    action: Annotated[str, typer.Option(help="Chỉ các thao tác bắt đầu bằng chữ này.")] = "",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Số dòng.")] = 50,
) -> None:
    """Nhật ký thao tác, mới nhất trước; --downloads: ai đã tải tệp có số điện thoại đầy đủ."""

    async def go(a: App) -> tuple[list[Any], Any]:
        if not downloads_only:
            return await a.svc.audit.recent(limit, action=action), a.contest.tz
        found = await downloads.full_phones(a.svc, limit)
        return [(f, downloads.via_label(a.svc, f.via)) for f in found], a.contest.tz

    rows, tz = run_or_exit(with_app(go))
    if downloads_only:
        table = Table("Lúc", "Ai", "Tệp", "Qua", title="Tệp có số điện thoại đầy đủ đã tải")
        for f, via in rows:
            what = f"kết quả {f.round_code}" if f.round_code else f"hồ sơ #{f.participant}"
            table.add_row(datetime_vn(f.at, tz), escape(f.actor), what, via)
    else:
        table = Table("Lúc", "Ai", "Thao tác", "Chi tiết", title="Nhật ký")
        for e in rows:
            table.add_row(datetime_vn(e.at, tz), escape(e.actor), e.action, _detail(e))
    if not rows:
        console.print("Chưa có gì.")
        return
    console.print(table)


def _detail(entry: AuditEntry) -> str:
    return escape(", ".join(f"{k}={v}" for k, v in entry.detail.items()))
