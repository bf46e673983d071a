"""Results per round: the ranking as the workbook has it, with the jury's review (flags, set
aside, restore, approve: bot/web/review.py), and its files (public and internal workbooks,
and the certificates once the jury has approved the results).
"""

from __future__ import annotations

import io
import zipfile

from aiohttp import web

from bot.web.review import notice, rows
from bot.web.site import DASHBOARD, actor, refuse, render, site_of
from handlers import downloads
from handlers.phones import mask_phone
from handlers.reports import results_workbook
from handlers.reports.files import keep_detail
from handlers.rounds import RoundResults, round_results
from handlers.verification import certificates_with_codes
from storage.repos.rounds import CLOSED, SCHEDULED

routes = web.RouteTableDef()
# The ranking page lists this many places; the workbook has them all.
SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@routes.get(DASHBOARD + "/ket-qua")
async def rounds_with_results(request: web.Request) -> web.Response:
    """The rounds that have results (every round that has opened)."""
    svc = site_of(request).svc
    rounds = [r for r in await svc.rounds.all() if r.status != SCHEDULED]
    return render(request, "results.html", rounds=rounds)


async def _results(request: web.Request) -> RoundResults | None:
    svc = site_of(request).svc
    rnd = await svc.rounds.get(request.match_info["code"])
    if rnd is None or rnd.status == SCHEDULED:
        return None
    return await round_results(svc, rnd.code)


@routes.get(DASHBOARD + "/ket-qua/{code}")
async def ranking(request: web.Request) -> web.Response:
    """A round's ranking and prizes, re-derived from the stored answers; once it has closed,
    each entry's review flags and the jury's controls until the results are approved.
    ?co=1 lists only the entries flagged or set aside."""
    svc = site_of(request).svc
    results = await _results(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    everything = await rows(svc, results, limit=SHOWN)
    flagged = [r for r in everything if r.flagged]
    only_flagged = request.query.get("co") == "1"
    return render(
        request,
        "ranking.html",
        results=results,
        closed=results.round.status == CLOSED,
        rows=flagged if only_flagged else everything[:SHOWN],
        flagged=len([r for r in flagged if r.reasons]),
        asides=len([r for r in flagged if r.aside is not None]),
        only_flagged=only_flagged,
        listed_flagged=len(flagged),
        notice=notice(request, results),
        shown=SHOWN,
        mask_phone=mask_phone,
    )


@routes.get(DASHBOARD + "/ket-qua/{code}/{kind:cong-bo|noi-bo}.xlsx")
async def workbook(request: web.Request) -> web.StreamResponse:
    """The results workbook: public (masked phones) or internal (full phones). Audited."""
    site = site_of(request)
    results = await _results(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    full = request.match_info["kind"] == "noi-bo"
    data = await results_workbook(site.svc, results, full_phones=full)
    code = results.round.code
    await downloads.record(
        site.svc, actor=actor(request), round_code=code, full_phones=full, via="web"
    )
    return _file(data, f"ket-qua-{code}-{request.match_info['kind']}.xlsx", XLSX)


@routes.get(DASHBOARD + "/ket-qua/{code}/chi-tiet-{kind:cong-bo|noi-bo}.csv.gz")
async def detail(request: web.Request) -> web.StreamResponse:
    """Every counted answer, a line each (gzip CSV): written to the server's results
    directory a slice at a time, then sent from there, never whole in memory. Audited."""
    site = site_of(request)
    results = await _results(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    full = request.match_info["kind"] == "noi-bo"
    kept = await keep_detail(site.svc, results, full_phones=full)
    code = results.round.code
    await downloads.record(
        site.svc, actor=actor(request), round_code=code, full_phones=full, via="web"
    )
    return web.FileResponse(
        kept.path,
        headers={
            "Content-Type": "application/gzip",
            "Content-Disposition": (
                f'attachment; filename="chi-tiet-{code}-{request.match_info["kind"]}.csv.gz"'
            ),
        },
    )


@routes.get(DASHBOARD + "/ket-qua/{code}/giay-chung-nhan.zip")
async def certificates_zip(request: web.Request) -> web.StreamResponse:
    """Every certificate of a round whose results the jury approved, in one ZIP, each with its
    winner's verification code (the same each time). Audited."""
    site = site_of(request)
    results = await _results(request)
    if results is None or not results.final or not results.approved:
        return refuse(request, 409, "web.refused.not_final")
    made = await certificates_with_codes(
        site.svc, results, base_url=site.public_url, actor=actor(request)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for cert in made:
            zf.writestr(cert.filename, cert.data)
    code = results.round.code
    await site.svc.audit.record(
        actor=actor(request), action="certificates.download", at=site.now(), round=code
    )
    return _file(out.getvalue(), f"giay-chung-nhan-{code}.zip", "application/zip")


def _file(data: bytes, filename: str, content_type: str) -> web.Response:
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
