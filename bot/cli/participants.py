"""quizbot participants: organisers find, look at, correct, hold and release entries.

Every change goes to the audit log with the old and new values, the reason and the actor.
Phones are shown masked unless asked for in full.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from bot.app import App
from bot.cli.common import console, default_actor, err, run_or_exit, with_app
from handlers import downloads, identity
from handlers.formatting import datetime_vn
from handlers.phones import local_form, mask_phone
from storage.repos.identity_steps import HoldReason

participants_app = typer.Typer(
    help="Người dự thi: tìm, xem, sửa thông tin, tạm giữ và bỏ tạm giữ.", no_args_is_help=True
)

HOLD_REASONS = {
    HoldReason.PHONE_OF_VERIFIED: "số điện thoại gõ tay trùng số đã xác thực của người khác",
    HoldReason.PHONE_CLAIMED: "số điện thoại gõ tay, sau đó chủ số xác thực từ tài khoản khác",
    HoldReason.ORGANISER: "Ban Tổ chức tạm giữ",
}
INELIGIBLE = {"excluded": "không xét giải (số của BTC, BGK, Tổ thư ký)", "on_hold": "tạm giữ"}
FIELD_NAMES = {
    "full_name": "Họ tên",
    "phone": "Điện thoại",
    "birth_year": "Năm sinh",
    "locality": "Địa bàn",
    "unit": "Đơn vị",
}

Reason = Annotated[str, typer.Option("--reason", help="Lý do (ghi vào nhật ký).")]
Actor = Annotated[str, typer.Option(help="Người thực hiện (ghi vào nhật ký).")]


def _fail(exc: identity.IdentityError) -> NoReturn:
    err.print(f"[red]{escape(str(exc))}[/red]")
    raise typer.Exit(1) from exc


@participants_app.command("find")
def find(text: str) -> None:
    """Tìm người dự thi theo họ tên (không cần dấu) hoặc các số cuối của số điện thoại."""

    async def go(a: App) -> list[identity.Found]:
        return await identity.find(a.svc, text)

    found = run_or_exit(with_app(go))
    if not found:
        console.print("Không tìm thấy người dự thi nào.")
        return
    table = Table("Số", "Họ và tên", "Điện thoại")
    for f in found:
        table.add_row(str(f.id), escape(f.full_name), mask_phone(f.phone))
    console.print(table)
    if len(found) == identity.MAX_FOUND:
        console.print(f"Chỉ hiện {identity.MAX_FOUND} người đầu; hãy tìm cụ thể hơn.")


@participants_app.command("show")
def show(
    participant_id: int,
    full_phones: Annotated[bool, typer.Option(help="Hiện số điện thoại đầy đủ.")] = False,
) -> None:
    """Hồ sơ một người dự thi: thông tin, tài khoản, các số điện thoại đã dùng, lượt thi."""

    async def go(a: App) -> tuple[identity.ParticipantFile | None, Any]:
        found = await identity.show(a.svc, participant_id)
        if found is not None and full_phones:
            await downloads.shown(a.svc, actor=default_actor(), participant_id=participant_id)
        return found, a.contest.tz

    found, tz = run_or_exit(with_app(go))
    if found is None:
        err.print(f"Không có người dự thi số {participant_id}.")
        raise typer.Exit(1)
    phone = local_form if full_phones else mask_phone
    p = found.person
    lines = [
        f"[bold]#{p.id} {escape(p.full_name)}[/bold]",
        f"Điện thoại: {phone(p.phone)} ({'đã xác thực' if p.phone_verified else 'gõ tay'})",
        f"Năm sinh: {p.birth_year} · Địa bàn: {escape(p.locality)} · Đơn vị: {escape(p.unit)}",
        f"Đăng ký lúc: {datetime_vn(p.created_at, tz)}",
        "Thông tin đã khoá (đã có lượt thi)" if found.frozen else "Chưa có lượt thi",
    ]
    if p.held_at is not None:
        why = HOLD_REASONS.get(HoldReason(p.held_reason), p.held_reason)
        lines.append(f"[yellow]Đang tạm giữ từ {datetime_vn(p.held_at, tz)}: {why}[/yellow]")
    if p.excluded_at is not None or found.ineligible == "excluded":
        lines.append("[yellow]Không xét giải: từng dùng số của BTC, BGK hoặc Tổ thư ký[/yellow]")
    if p.erased_at is not None:
        why = "theo yêu cầu" if p.consent_withdrawn_at is not None else "hết thời hạn lưu trữ"
        lines.append(f"[yellow]Đã ẩn danh lúc {datetime_vn(p.erased_at, tz)} ({why})[/yellow]")
    if p.identity_edited_at is not None:
        lines.append(
            f"Ban Tổ chức sửa thông tin sau lượt thi: {datetime_vn(p.identity_edited_at, tz)}"
        )
    accounts = ", ".join(f"{a.channel} {a.channel_user_id}" for a in found.accounts)
    lines.append(f"Tài khoản: {escape(accounts) or '-'}")
    rounds = ", ".join(f"{code}: {n}" for code, n in found.attempts.items())
    lines.append(f"Lượt thi: {rounds or 'chưa có'}")
    if found.sharing:
        others = ", ".join(f"#{i}" for i in found.sharing)
        lines.append(f"[yellow]Người dự thi khác dùng chung số điện thoại: {others}[/yellow]")
    console.print("\n".join(lines))
    history = Table("Số điện thoại", "Loại", "Từ", "Đến", title="Các số điện thoại đã dùng")
    for spell in found.phones:
        history.add_row(
            phone(spell.phone),
            "đã xác thực" if spell.verified else "gõ tay",
            datetime_vn(spell.since, tz),
            "nay" if spell.until is None else datetime_vn(spell.until, tz),
        )
    console.print(history)


@participants_app.command("held")
def held() -> None:
    """Những người dự thi đang bị tạm giữ (không xét giải cho tới khi Ban Tổ chức quyết định)."""

    async def go(a: App) -> tuple[list[Any], Any]:
        return await identity.held(a.svc), a.contest.tz

    people, tz = run_or_exit(with_app(go))
    if not people:
        console.print("Không có người dự thi nào đang bị tạm giữ.")
        return
    table = Table("Số", "Họ và tên", "Điện thoại", "Từ", "Lý do")
    for p in people:
        table.add_row(
            str(p.id),
            escape(p.full_name),
            mask_phone(p.phone),
            datetime_vn(p.held_at, tz),
            HOLD_REASONS.get(HoldReason(p.held_reason), p.held_reason),
        )
    console.print(table)


@participants_app.command("edit")
def edit(
    participant_id: int,
    reason: Reason,
    name: Annotated[str | None, typer.Option("--name", help="Họ và tên mới.")] = None,
    phone: Annotated[str | None, typer.Option(help="Số điện thoại mới.")] = None,
    birth_year: Annotated[int | None, typer.Option(help="Năm sinh mới.")] = None,
    locality: Annotated[str | None, typer.Option(help="Địa bàn mới.")] = None,
    unit: Annotated[str | None, typer.Option(help="Đơn vị mới.")] = None,
    actor: Actor = "",
) -> None:
    """Sửa thông tin một người dự thi, cả khi đã có lượt thi (giải đã chốt không đổi)."""
    changes = identity.Changes(name, phone, birth_year, locality, unit)

    async def go(a: App) -> dict[str, list[Any]]:
        return await identity.edit(
            a.svc, participant_id, changes, reason=reason, actor=actor or default_actor()
        )

    try:
        diff = run_or_exit(with_app(go))
    except identity.IdentityError as exc:
        _fail(exc)
    if not diff:
        console.print(f"Thông tin của #{participant_id} không đổi.")
        return
    console.print(f"Đã sửa thông tin của #{participant_id} (ghi vào nhật ký):")
    for field, (old, new) in diff.items():
        if field == "phone":
            old, new = mask_phone(old), mask_phone(new)
        console.print(f"  {FIELD_NAMES[field]}: {escape(str(old))} → {escape(str(new))}")


def _hold_command(held: bool) -> Any:
    def command(participant_id: int, reason: Reason, actor: Actor = "") -> None:
        async def go(a: App) -> bool:
            return await identity.set_hold(
                a.svc, participant_id, held=held, reason=reason, actor=actor or default_actor()
            )

        try:
            changed = run_or_exit(with_app(go))
        except identity.IdentityError as exc:
            _fail(exc)
        if held:
            said = "Đã tạm giữ" if changed else "Đã đang tạm giữ"
        else:
            said = "Đã bỏ tạm giữ" if changed else "Không tạm giữ"
        console.print(f"{said} #{participant_id}.")

    return command


participants_app.command(
    "hold", help="Tạm giữ một người dự thi: giữ các lượt thi nhưng không xét giải."
)(_hold_command(held=True))
participants_app.command("release", help="Bỏ tạm giữ: người dự thi được xét giải trở lại.")(
    _hold_command(held=False)
)
