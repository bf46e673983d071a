"""Broadcasts and the question bank from the dashboard, through the same handlers as /admin."""

from __future__ import annotations

from aiohttp import web
from aiohttp.web_request import FileField

from bot.web.site import DASHBOARD, actor, refuse, render, site_of
from handlers import bank, broadcasting, paid_broadcast
from questions import MAX_FILE_BYTES, template_bytes
from storage.session import StepClaim

routes = web.RouteTableDef()
HISTORY = 20
# The one-time code of a broadcast's preview: a second press of Send (a double click, the
# form sent again) starts nothing more (as the organisers' buttons in chat, handlers.admin_steps).
SEND_STEP = "web-bc"
PREVIEW_QUESTIONS = 5
PAGE_QUESTIONS = 50
# How often a broadcast's progress is fetched again, in seconds.
PROGRESS_SECONDS = 2


# ------------------------------------------------------------------ broadcasts


@routes.get(DASHBOARD + "/thong-bao")
async def broadcasts(request: web.Request) -> web.Response:
    """Compose a broadcast; the latest ones with their progress."""
    svc = site_of(request).svc
    return render(
        request,
        "broadcasts.html",
        audiences=await broadcasting.audiences(svc),
        history=await svc.broadcasts.history(HISTORY),
        text="",
        audience="all",
        max_chars=broadcasting.MAX_CHARS,
        problem=False,
    )


@routes.post(DASHBOARD + "/thong-bao/xem-truoc")
async def preview(request: web.Request) -> web.Response:
    """The broadcast as participants will see it, and how many it would reach."""
    svc = site_of(request).svc
    form = await request.post()
    text, audience = str(form.get("text", "")), str(form.get("audience", ""))
    audiences = await broadcasting.audiences(svc)
    chosen = next((a for a in audiences if a.value == audience), None)
    if broadcasting.problem(text) or chosen is None:
        return render(
            request,
            "broadcasts.html",
            audiences=audiences,
            history=await svc.broadcasts.history(HISTORY),
            text=text,
            audience=audience,
            max_chars=broadcasting.MAX_CHARS,
            problem=True,
        )
    est = await paid_broadcast.estimate(svc, audience)
    return render(
        request,
        "broadcast_preview.html",
        text=text,
        audience=chosen,
        message=broadcasting.message(svc, text),
        count=est.recipients,
        estimate=paid_broadcast.lines(svc, est),
        paid_on=est.paid_seconds is not None,
        can_pay=est.can_pay,
        code=await svc.store.issue_step(actor(request), SEND_STEP),
    )


@routes.post(DASHBOARD + "/thong-bao/gui")
async def send(request: web.Request) -> web.StreamResponse:
    """Start the broadcast (the broadcaster sends it) and follow its progress."""
    svc = site_of(request).svc
    form = await request.post()
    text, audience = str(form.get("text", "")), str(form.get("audience", ""))
    if broadcasting.problem(text):
        return refuse(request, 422, "web.refused.broadcast")
    claim = await svc.store.claim_step(actor(request), SEND_STEP, str(form.get("code", "")))
    if claim is StepClaim.DONE:
        return refuse(request, 409, "web.refused.broadcast_twice")
    if claim is StepClaim.UNKNOWN:
        return refuse(request, 422, "web.refused.broadcast_stale")
    try:
        broadcast_id, _ = await broadcasting.start(
            svc, actor=actor(request), text=text, audience=audience, paid=form.get("paid") == "1"
        )
    except broadcasting.NotPayableError:
        return refuse(request, 422, "web.refused.broadcast_paid")
    except ValueError:
        return refuse(request, 422, "web.refused.broadcast")
    raise web.HTTPSeeOther(f"{DASHBOARD}/thong-bao/{broadcast_id}")


@routes.get(DASHBOARD + r"/thong-bao/{id:\d+}")
async def progress(request: web.Request) -> web.Response:
    """One broadcast's progress: sent, failed, remaining (refreshing itself while sending)."""
    svc = site_of(request).svc
    try:
        status = await svc.broadcasts.status(int(request.match_info["id"]))
    except KeyError:
        return refuse(request, 404, "web.refused.not_found")
    fragment = request.query.get("phan") == "tien-do"
    return render(
        request,
        "broadcast_progress.html" if fragment else "broadcast.html",
        b=status,
        done=status.sent + status.failed,
        total=status.sent + status.failed + status.remaining,
        paid=paid_broadcast.progress(svc, status),
        refresh=PROGRESS_SECONDS,
    )


# ------------------------------------------------------------------ question bank


@routes.get(DASHBOARD + "/cau-hoi")
async def questions(request: web.Request) -> web.Response:
    """The active bank, a page at a time, and the upload form."""
    svc = site_of(request).svc
    active = await svc.pool.active()
    pages = max(1, -(-len(active) // PAGE_QUESTIONS))
    page = min(max(_int(request.query.get("trang", "1")), 1), pages)
    start = (page - 1) * PAGE_QUESTIONS
    return render(
        request,
        "bank.html",
        bank=await svc.questions.active_bank(),
        questions=[(start + i + 1, q) for i, (_, q) in enumerate(active[start:][:PAGE_QUESTIONS])],
        page=page,
        pages=pages,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    )


def _int(value: str) -> int:
    # ASCII digits only ("²" passes isdigit() but not int()), and few.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else 1


@routes.get(DASHBOARD + "/cau-hoi/mau.xlsx")
async def template(request: web.Request) -> web.Response:
    """The Excel template with the expected headers and one example row."""
    return web.Response(
        body=template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="mau-cau-hoi.xlsx"'},
    )


@routes.post(DASHBOARD + "/cau-hoi/tai-len")
async def upload(request: web.Request) -> web.Response:
    """Check an uploaded bank: its errors by row, or a preview and a confirmation."""
    svc = site_of(request).svc
    form = await request.post()
    file = form.get("file")
    if not isinstance(file, FileField) or not file.filename:
        return refuse(request, 422, "web.refused.no_file")
    data = file.file.read()
    checked = await bank.check(svc, file.filename, data)
    if checked.usable:
        await bank.hold(svc, actor(request), checked.filename, data)
    current = await svc.questions.active_bank()
    return render(
        request,
        "bank_checked.html",
        checked=checked,
        preview=checked.questions[:PREVIEW_QUESTIONS],
        current=current[1] if current else 0,
        needed=svc.contest.rules.questions_per_attempt,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
        round_banks=bank.round_bank_choices(svc),
    )


@routes.post(DASHBOARD + "/cau-hoi/thay")
async def replace(request: web.Request) -> web.Response:
    """Make the checked file the active bank, or a round's own bank (field `for`), once: a
    second press finds nothing held."""
    svc = site_of(request).svc
    form = await request.post()
    target = form.get("for", "")
    choices = dict(bank.round_bank_choices(svc))
    if not isinstance(target, str) or (target and target not in choices):
        return refuse(request, 422, "web.refused.no_file")
    done = await bank.replace(svc, actor(request), target)
    if done is None:
        return refuse(request, 409, "web.refused.nothing_held")
    filename, count = done
    return render(
        request,
        "bank_replaced.html",
        filename=filename,
        count=count,
        rounds=choices.get(target, ""),
    )


@routes.post(DASHBOARD + "/cau-hoi/huy")
async def cancel_upload(request: web.Request) -> web.StreamResponse:
    """Drop the checked file without importing it."""
    await site_of(request).svc.store.take_upload(actor(request))
    raise web.HTTPSeeOther(DASHBOARD + "/cau-hoi")
