"""quizbot rounds and results: the organisers' tools for a round (certificates: certificates.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.app import App
from bot.cli import jury
from bot.cli.common import (
    console,
    default_actor,
    err,
    known_round,
    print_results,
    run_or_exit,
    with_app,
)
from handlers import downloads, sample_bank
from handlers.formatting import datetime_vn, number_vn
from handlers.jury import actions
from handlers.reports import results_workbook
from handlers.reports.detail_csv import detail_filename, write_detail
from handlers.rounds import RoundResults, close_round, open_round, round_results
from handlers.texts import plain

rounds_app = typer.Typer(help="Các đợt thi: xem, mở, đóng.", invoke_without_command=True)
# Opening and closing here announce as the calendar does: the deliveries are stored, and the
# running bot sends them.
ANNOUNCED = (
    "Thông báo đã được lưu như khi lịch tự mở/đóng đợt; bot đang chạy (quizbot run) gửi đi "
    "trong khung giờ gửi tin của cuộc thi (tệp kết quả tới Ban Tổ chức: gửi ngay)."
)


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
        if public := await sample_bank.public_questions(a.svc):
            err.print(plain(sample_bank.warning(a.svc, public)))

    run_or_exit(with_app(go))


@rounds_app.command("open")
def rounds_open(
    code: str,
    actor: Annotated[str, typer.Option()] = "cli",
    sample: Annotated[
        bool,
        typer.Option(
            "--sample-bank", help="Mở cả khi đang dùng ngân hàng mẫu (đáp án công khai), để thử."
        ),
    ] = False,
) -> None:
    """Mở một đợt thi ngay và thông báo như khi lịch tự mở."""

    async def go(a: App) -> bool:
        await known_round(a, code)
        if not sample and (public := await sample_bank.public_questions(a.svc)):
            err.print(plain(sample_bank.warning(a.svc, public)))
            err.print("Đợt thi chưa mở. Nếu chỉ để thử, chạy lại lệnh với --sample-bank.")
            raise typer.Exit(1)
        return await open_round(a.svc, code, actor=actor)

    if run_or_exit(with_app(go)):
        console.print(f"Đã mở đợt {code}.")
        console.print(ANNOUNCED)
    else:
        err.print(f"Đợt {code} không ở trạng thái chờ mở (đang mở hoặc đã kết thúc).")
        raise typer.Exit(1)


@rounds_app.command("close")
def rounds_close(code: str, actor: Annotated[str, typer.Option()] = "cli") -> None:
    """Đóng một đợt thi như khi lịch tự đóng: nộp các bài đang làm, chốt số người tham gia,
    xếp hạng, xét giải tạm tính và báo Ban Tổ chức xét duyệt."""

    async def go(a: App) -> RoundResults:
        await known_round(a, code)
        return await close_round(a.svc, code, actor=actor)

    results = run_or_exit(with_app(go))
    console.print(f"Đã đóng đợt {code}.")
    print_results(results, top=20)
    if results.approved:
        console.print(ANNOUNCED)
    else:
        console.print(
            f"Kết quả là tạm tính, chưa công bố: Ban Giám khảo xem xét bằng quizbot results "
            f"{code} --review (hoặc trong /admin), rồi phê duyệt bằng --approve."
        )


def results(
    code: str,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            help="Ghi kết quả ra tệp Excel; chi tiết từng câu trả lời ghi bên cạnh "
            "(chi-tiet-<mã đợt>.csv.gz, CSV nén gzip)."
        ),
    ] = None,
    detail: Annotated[
        Path | None,
        typer.Option(
            help="Nơi ghi tệp chi tiết từng câu trả lời (.csv.gz), nếu không để cạnh --xlsx."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Số dòng xếp hạng in ra.")] = 20,
    full_phones: Annotated[
        bool, typer.Option(help="Ghi số điện thoại đầy đủ (bản nội bộ của Ban Tổ chức).")
    ] = False,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="Xét duyệt: người đạt giải tạm tính và các bài có cảnh báo, kèm lý do.",
        ),
    ] = False,
    page: Annotated[int, typer.Option(help="Trang xét duyệt cần xem (với --review).")] = 1,
    set_aside: Annotated[
        str | None,
        typer.Option(
            "--set-aside",
            metavar="N",
            help="Để riêng một bài (không xét giải, giải được xét lại theo thứ hạng). N là "
            "thứ hạng trong bảng xếp hạng (ví dụ 3), hoặc #mã bài (ví dụ #123) như --review "
            "ghi. Cần --reason.",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Lý do để riêng (ghi vào nhật ký).")] = None,
    restore: Annotated[
        str | None,
        typer.Option(
            "--restore",
            metavar="N",
            help="Khôi phục một bài đã để riêng. N như --set-aside: thứ hạng, hoặc #mã bài.",
        ),
    ] = None,
    approve: Annotated[
        bool,
        typer.Option(
            "--approve",
            help="Phê duyệt kết quả: chốt người đạt giải rồi công bố (chúc mừng, danh sách, "
            "kênh thông báo, tệp nội bộ và giấy chứng nhận tới Ban Tổ chức).",
        ),
    ] = False,
    actor: Annotated[str | None, typer.Option(help="Người thực hiện, ghi vào nhật ký.")] = None,
) -> None:
    """Xếp hạng và giải thưởng của một đợt, tính lại từ các câu trả lời đã lưu; xét duyệt,
    để riêng, khôi phục và phê duyệt kết quả của đợt đã đóng."""
    if set_aside is not None or restore is not None or approve or review:
        jury_command(code, review, page, set_aside, reason, restore, approve, actor)
        return
    if detail is None and xlsx is not None:
        detail = xlsx.parent / detail_filename(code, full_phones=full_phones)

    async def go(a: App) -> tuple[RoundResults, bytes | None, int]:
        await known_round(a, code)
        res = await round_results(a.svc, code)
        data = await results_workbook(a.svc, res, full_phones=full_phones) if xlsx else None
        lines = 0
        if detail is not None:
            lines = await write_detail(a.svc, res, detail, full_phones=full_phones)
        if data is not None or detail is not None:
            await downloads.record(
                a.svc, actor=default_actor(), round_code=code, full_phones=full_phones, via="cli"
            )
        return res, data, lines

    res, data, lines = run_or_exit(with_app(go))
    print_results(res, top=top)
    if xlsx is not None and data is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_bytes(data)
        console.print(f"Tệp kết quả: {xlsx.resolve()}")
    if detail is not None:
        console.print(
            f"Chi tiết từng câu trả lời ({number_vn(lines)} dòng, CSV nén gzip): {detail.resolve()}"
        )


def jury_command(
    code: str,
    review: bool,
    page: int,
    set_aside: str | None,
    reason: str | None,
    restore: str | None,
    approve: bool,
    actor: str | None,
) -> None:
    """quizbot results CODE with --review, --set-aside, --restore or --approve."""
    if set_aside is not None and not (reason or "").strip():
        err.print('Cần ghi lý do để riêng: --reason "…".')
        raise typer.Exit(2)
    who = actor or default_actor()

    async def go(a: App) -> None:
        await known_round(a, code)
        try:
            if set_aside is not None:
                pid = await jury.participant(a, code, set_aside)
                done = await actions.set_aside(a.svc, code, pid, reason or "", who)
                said = "Đã để riêng" if done else "Đã để riêng từ trước:"
                console.print(f"{said} bài #{pid}. Giải được xét lại theo thứ hạng.")
            if restore is not None:
                pid = await jury.participant(a, code, restore)
                done = await actions.restore(a.svc, code, pid, who)
                said = "Đã khôi phục" if done else "Không bị để riêng:"
                console.print(f"{said} bài #{pid}. Giải được xét lại theo thứ hạng.")
            if approve:
                if await actions.approve(a.svc, code, who):
                    console.print(f"Đã phê duyệt kết quả đợt {code}.")
                else:
                    console.print(
                        f"Kết quả đợt {code} đã được phê duyệt từ trước; thông báo nào còn dở "
                        "được gửi tiếp."
                    )
                console.print(ANNOUNCED)
                return
            await jury.show(a, code, page)
        except actions.JuryError as exc:
            # The message may hold what was typed (a place such as "[/x]"): printed as text.
            err.print(plain(a.svc.texts(exc.key, **exc.values)), markup=False)
            raise typer.Exit(1) from exc

    run_or_exit(with_app(go))
