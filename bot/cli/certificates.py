"""quizbot certificates: make a closed round's certificates, verify a code, revoke one.

`quizbot certificates CODE --out DIR` makes them (the subcommand `make` is implied when the
first word is not one of the subcommands), `quizbot certificates verify K7P3-9QXM` says
whom a code was given to or that it is not valid (exit code 1), and `quizbot certificates
revoke K7P3-9QXM --reason …` revokes one (audited).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from bot.app import App
from bot.cli.common import console, default_actor, err, known_round, run_or_exit, with_app
from handlers.certificates import whereabouts
from handlers.formatting import datetime_vn
from handlers.rounds import round_results
from handlers.verification import (
    REASON_MAX,
    RevokeOutcome,
    Status,
    Verification,
    certificates_with_codes,
    revoke,
    verify,
)

MAKE = "make"


class _MakeByDefault(TyperGroup):
    """`quizbot certificates 2023-Q1 --out DIR` is `quizbot certificates make 2023-Q1 …`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [MAKE, *args]
        return super().resolve_command(ctx, args)


certificates_app = typer.Typer(
    cls=_MakeByDefault,
    help=(
        "Giấy chứng nhận: tạo cho một đợt đã kết thúc (quizbot certificates MÃ-ĐỢT --out "
        "THƯ-MỤC), xác minh một mã (verify), thu hồi một mã (revoke)."
    ),
    no_args_is_help=True,
)


@certificates_app.command(MAKE)
def certificates_command(
    code: str,
    out: Annotated[Path, typer.Option(help="Thư mục ghi các tệp PDF.")],
) -> None:
    """Giấy chứng nhận (PDF, A4 ngang) cho từng người đạt giải của một đợt đã kết thúc, mỗi
    giấy một mã xác minh và mã QR mở trang xác minh (PUBLIC_BASE_URL/xac-minh/<mã>)."""
    from handlers.certificates import CertificateError

    async def go(a: App) -> list[tuple[str, bytes]]:
        await known_round(a, code)
        res = await round_results(a.svc, code)
        if not res.final:
            err.print(
                f"Đợt {escape(res.round.name)} ({code}) chưa kết thúc: giấy chứng nhận chỉ được "
                f"in khi đợt thi đã đóng và giải thưởng đã chốt (quizbot rounds close {code})."
            )
            raise typer.Exit(1)
        if not res.approved:
            err.print(
                f"Kết quả {escape(res.round.name)} ({code}) chưa được phê duyệt: giấy chứng "
                f"nhận chỉ được in khi Ban Giám khảo đã phê duyệt (quizbot results {code} "
                "--approve)."
            )
            raise typer.Exit(1)
        if res.awards and not a.settings.public_base_url:
            err.print(
                f"[yellow]Chưa đặt PUBLIC_BASE_URL:[/yellow] mã QR trên giấy chứng nhận trỏ tới "
                f"{escape(a.svc.public_url)}, địa chỉ chỉ máy này mở được. Đặt PUBLIC_BASE_URL "
                "là địa chỉ công khai của trang cuộc thi rồi tạo lại (mã xác minh giữ nguyên)."
            )
        try:
            made = await certificates_with_codes(a.svc, res, actor=default_actor())
        except CertificateError as exc:
            err.print(f"[red]Không tạo được giấy chứng nhận:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        return [(c.filename, c.data) for c in made]

    made = run_or_exit(with_app(go))
    if not made:
        console.print(f"Đợt {code} không có người đạt giải, không có giấy chứng nhận nào.")
        return
    out.mkdir(parents=True, exist_ok=True)
    for filename, data in made:
        (out / filename).write_bytes(data)
    console.print(f"Đã ghi {len(made)} giấy chứng nhận vào {out.resolve()}")


@certificates_app.command("verify")
def verify_command(
    code: Annotated[str, typer.Argument(help="Mã xác minh in trên giấy, ví dụ K7P3-9QXM.")],
) -> None:
    """Xác minh một giấy chứng nhận: người nhận, giải, đợt thi, ngày cấp; hoặc "không hợp lệ"
    (mã thoát 1)."""

    async def go(a: App) -> tuple[Verification, Any]:
        return await verify(a.svc, code), a.contest.tz

    found, tz = run_or_exit(with_app(go))
    _print(found, code, tz)
    if not found.valid:
        raise typer.Exit(1)


@certificates_app.command("revoke")
def revoke_command(
    code: Annotated[str, typer.Argument(help="Mã xác minh in trên giấy, ví dụ K7P3-9QXM.")],
    reason: Annotated[str, typer.Option(help="Lý do thu hồi (ghi vào nhật ký).")],
    actor: Annotated[str, typer.Option(help="Người thu hồi (mặc định: cli:<tài khoản>).")] = "",
) -> None:
    """Thu hồi một giấy chứng nhận: mã của nó không còn hợp lệ. Ghi vào nhật ký."""
    if not reason.strip():
        err.print("Cần ghi lý do thu hồi (--reason).")
        raise typer.Exit(2)
    if len(" ".join(reason.split())) > REASON_MAX:
        err.print(f"Lý do thu hồi dài quá {REASON_MAX} ký tự; bạn viết ngắn lại.")
        raise typer.Exit(2)

    async def go(a: App) -> tuple[Any, Any]:
        return await revoke(a.svc, code, reason, actor or default_actor()), a.contest.tz

    done, tz = run_or_exit(with_app(go))
    found = done.verification
    if done.outcome == RevokeOutcome.UNKNOWN:
        _print(found, code, tz)
        raise typer.Exit(1)
    if done.outcome == RevokeOutcome.ALREADY:
        console.print(f"Mã {found.code} đã bị thu hồi từ trước; không thay đổi gì.")
    else:
        console.print(f"Đã thu hồi giấy chứng nhận mã {found.code}.")
    _print(found, code, tz)


def _print(found: Verification, typed: str, tz: Any) -> None:
    if found.status == Status.UNKNOWN:
        console.print(
            f"Mã {escape(typed.strip())} không hợp lệ: không có giấy chứng nhận nào mang mã này."
        )
        return
    if found.status == Status.REVOKED and found.revoked_at is not None:
        console.print(
            f"Mã {found.code} không hợp lệ: giấy chứng nhận đã bị thu hồi lúc "
            f"{datetime_vn(found.revoked_at, tz)} ({escape(found.revoked_by)}), "
            f"lý do: {escape(found.revoked_reason)}"
        )
        console.print("Giấy đã cấp cho:")
    else:
        console.print(f"Mã {found.code} hợp lệ.")
    rows = [
        ("Người nhận", found.full_name),
        ("Đơn vị, địa phương", whereabouts(found.unit, found.locality)),
        ("Giải", found.prize),
        ("Đợt thi", found.round_words),
        ("Ngày cấp", found.issued),
    ]
    for label, value in rows:
        console.print(f"  {label}: {escape(value)}", soft_wrap=True)
