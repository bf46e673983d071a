"""quizbot results CODE --review / --set-aside / --restore / --approve: the jury's sign-off of
a closed round on the command line, through the same functions as the chat and the web."""

from __future__ import annotations

from rich.markup import escape

from bot.app import App
from bot.cli.common import console
from handlers.formatting import datetime_vn, duration_vn, number_vn
from handlers.jury import actions
from handlers.jury.review import ReviewPage, review
from handlers.reports.prizes import not_eligible


async def show(a: App, code: str, page: int) -> ReviewPage:
    """Print a page of the jury's review."""
    p = await review(a.svc, code, page)
    tz = a.contest.tz
    if p.approved and p.approved_at is not None:
        state = f"đã phê duyệt lúc {datetime_vn(p.approved_at, tz)} ({escape(p.approved_by)})"
    else:
        state = "tạm tính, chưa công bố"
    console.print(
        f"[bold]Xét duyệt kết quả {escape(p.round.name)}[/bold] — {state}\n"
        f"Người tham gia: {number_vn(p.actual)} · Giải: {p.winners} · "
        f"Bài có cảnh báo: {number_vn(p.flagged)} · Để riêng: {p.set_aside}\n"
        f"Trang {p.page}/{p.pages} (--page N): người đạt giải và bài có cảnh báo hoặc đã để "
        "riêng, theo thứ hạng."
    )
    for e in p.entries:
        r = e.place
        prize = f" — [bold]{escape(a.contest.prize_name(e.tier))}[/bold]" if e.tier else ""
        prediction = "không có" if r.prediction is None else number_vn(r.prediction)
        console.print(
            f"\n[bold]Hạng {r.rank}[/bold] {escape(e.name)} ({escape(e.locality)}) — "
            f"bài #{r.participant_id}: {r.correct} câu đúng, {duration_vn(r.duration_ms)}, "
            f"dự đoán {prediction}{prize}"
        )
        for line in e.reasons:
            console.print(f"  ⚠️  {escape(line)}")
        if e.aside is not None:
            at = datetime_vn(e.aside.at, tz)
            console.print(
                f"  ⛔ Đã để riêng: {escape(e.aside.reason)} ({escape(e.aside.actor)}, {at})"
            )
        elif e.ineligible:
            console.print(f"  ⛔ {escape(not_eligible(a.svc.texts, e.ineligible, internal=True))}")
    if not p.entries:
        console.print("\nKhông có người đạt giải hay bài nào cần xem.")
    return p


async def participant(a: App, code: str, target: str) -> int:
    """The entry an organiser names: a place in the ranking ("3"), or "#123" (an entry's id)."""
    target = target.strip()
    if target.startswith("#") and _number(target[1:]):
        return int(target[1:])
    if not _number(target):
        raise actions.JuryError("jury.no_such_rank", rank=target)
    return await actions.participant_at(a.svc, code, int(target))


def _number(text: str) -> bool:
    """ASCII digits, not too many ("²" passes str.isdigit() but int() rejects it)."""
    return text.isascii() and text.isdigit() and len(text) <= 12
