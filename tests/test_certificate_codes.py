"""Certificates anyone can verify: each winner's certificate carries a code whose QR code opens
its verification address; the code stays the same however often the certificates are made;
a typed code is checked forgivingly; a revoked code verifies as revoked."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from bot.app import App
from bot.clock import ManualClock
from handlers import verification
from handlers.certificates import RoundNotFinalError
from handlers.contest import Prize
from handlers.rounds import RoundResults, round_results
from handlers.verification import RevokeOutcome, Status, certificates_with_codes, verify
from storage.models import CertificateCode
from tests.support.printed import read_page
from tests.verification_round import SITE, WINNERS, close_with_winners, printed_code

SHOWN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture
async def closed(app: App, clock: ManualClock) -> RoundResults:
    return await close_with_winners(app, clock)


async def _codes(app: App, results: RoundResults) -> dict[int, str]:
    made = await certificates_with_codes(app.svc, results, base_url=SITE)
    return {c.participant_id: printed_code(c.data) for c in made}


async def test_each_certificates_qr_code_opens_its_verification_address(
    app: App, closed: RoundResults
) -> None:
    made = await certificates_with_codes(app.svc, closed, base_url=SITE)

    seen = set()
    for cert, (_, name, *_rest) in zip(made, WINNERS, strict=True):
        page = read_page(cert.data, f"verified-{cert.filename.removesuffix('.pdf')}")
        code = printed_code(cert.data)
        assert SHOWN.match(code), code
        [(read, _)] = page.qr
        assert read == f"{SITE}/xac-minh/{code}"
        assert page.lines[-1] == read  # the address printed beside it
        assert name in page.lines
        seen.add(code)
    assert len(seen) == 3


async def test_codes_are_the_same_however_often_the_certificates_are_made(
    app: App, closed: RoundResults, clock: ManualClock
) -> None:
    first = await _codes(app, closed)
    clock.advance(days=20)

    again = await _codes(app, await round_results(app.svc, "2023-Q1"))

    assert again == first
    issued = await app.svc.audit.recent(action="certificate.issue")
    assert [(e.actor, e.detail) for e in issued] == [("system", {"round": "2023-Q1", "codes": 3})]


async def test_a_valid_code_tells_whom_for_which_prize_and_round_typed_any_way(
    app: App, closed: RoundResults
) -> None:
    codes = await _codes(app, closed)
    first = codes[closed.awards[0].participant_id]

    typed_loosely = f"  {first[:4].lower()} {first[5:].lower()} "
    for typed in (first, first.replace("-", ""), typed_loosely, first.replace("0", "o")):
        found = await verify(app.svc, typed)
        assert found.status == Status.VALID, typed
        assert (found.code, found.full_name, found.unit, found.locality, found.prize) == (
            first,
            "Nguyễn Thị Ánh Tuyết",
            "Sở Tư pháp",
            "Hoa Lư",
            "Giải Nhất",
        )
        assert (found.round_code, found.round_name) == ("2023-Q1", "Quý 1")
        assert found.issued_on == date(2023, 3, 30)  # dated as the certificate: the closing day


@pytest.mark.parametrize("typed", ["", "K7P3-9QXM", "K7P3-9QX", "K7P3-9QXMM", "K7P3-9QX!", "😀"])
async def test_a_made_up_or_malformed_code_is_not_valid(
    app: App, closed: RoundResults, typed: str
) -> None:
    await _codes(app, closed)

    found = await verify(app.svc, typed)

    assert found.status == Status.UNKNOWN
    assert found.full_name == ""


async def test_a_revoked_code_verifies_as_revoked_and_revoking_is_audited(
    app: App, closed: RoundResults, clock: ManualClock
) -> None:
    codes = await _codes(app, closed)
    second = codes[closed.awards[1].participant_id]

    done = await verification.revoke(
        app.svc, second.lower(), "  Gian lận:   trả lời bằng công cụ tự động ", actor="cli:bgk"
    )

    assert done.outcome == RevokeOutcome.REVOKED
    found = await verify(app.svc, second)
    assert found.status == Status.REVOKED
    assert found.revoked_reason == "Gian lận: trả lời bằng công cụ tự động"
    assert found.revoked_at == clock.now()
    [entry] = await app.svc.audit.recent(action="certificate.revoke")
    assert entry.actor == "cli:bgk"
    assert entry.detail == {
        "round": "2023-Q1",
        "participant": closed.awards[1].participant_id,
        "code": second,
        "reason": "Gian lận: trả lời bằng công cụ tự động",
    }
    # Again: nothing changes; the others still stand.
    again = await verification.revoke(app.svc, second, "lần nữa", actor="cli:bgk")
    assert again.outcome == RevokeOutcome.ALREADY
    assert again.verification.revoked_reason == "Gian lận: trả lời bằng công cụ tự động"
    assert len(await app.svc.audit.recent(action="certificate.revoke")) == 1
    others = [c for pid, c in codes.items() if c != second]
    assert [(await verify(app.svc, c)).status for c in others] == [Status.VALID] * 2


async def test_revoking_needs_a_reason_and_a_known_code(app: App, closed: RoundResults) -> None:
    codes = await _codes(app, closed)
    first = next(iter(codes.values()))

    with pytest.raises(ValueError, match="reason"):
        await verification.revoke(app.svc, first, "   ", actor="cli")
    unknown = await verification.revoke(app.svc, "ABCD-EFGH", "nhầm", actor="cli")

    assert unknown.outcome == RevokeOutcome.UNKNOWN
    assert (await verify(app.svc, first)).status == Status.VALID
    assert await app.svc.audit.recent(action="certificate.revoke") == []


async def test_a_certificate_made_again_after_its_code_was_revoked_gets_a_new_code(
    app: App, closed: RoundResults
) -> None:
    codes = await _codes(app, closed)
    pid = closed.awards[0].participant_id
    await verification.revoke(app.svc, codes[pid], "Giấy in hỏng, in lại", actor="cli")

    again = await _codes(app, closed)

    assert again[pid] != codes[pid]
    assert (await verify(app.svc, again[pid])).status == Status.VALID
    assert (await verify(app.svc, codes[pid])).status == Status.REVOKED
    assert {p: c for p, c in again.items() if p != pid} == {
        p: c for p, c in codes.items() if p != pid
    }


async def test_when_what_a_certificate_says_changes_its_old_code_is_replaced(
    app: App, closed: RoundResults
) -> None:
    codes = await _codes(app, closed)
    app.svc.contest = app.contest.model_copy(
        update={"prizes": [renamed(p) for p in app.contest.prizes]}
    )

    again = await _codes(app, closed)

    for pid, code in codes.items():
        old = await verify(app.svc, code)
        assert old.status == Status.REVOKED
        assert old.revoked_reason == (
            f"Thay bằng mã {again[pid]}: thông tin trên giấy chứng nhận đã thay đổi."
        )
        new = await verify(app.svc, again[pid])
        assert new.status == Status.VALID
        assert new.prize.startswith("Giải thưởng")
    assert len(await app.svc.audit.recent(action="certificate.replace")) == 3


def renamed(prize: Prize) -> Prize:
    """The prize renamed in contest.yaml: "Giải Nhất" -> "Giải thưởng Nhất"."""
    return prize.model_copy(update={"name": prize.name.replace("Giải", "Giải thưởng")})


async def test_an_open_round_gets_no_codes(app: App, clock: ManualClock) -> None:
    results = await round_results(app.svc, "2023-Q1")

    with pytest.raises(RoundNotFinalError):
        await certificates_with_codes(app.svc, results, base_url=SITE)

    async with app.svc.db.session() as s:
        assert list(await s.exec(select(CertificateCode))) == []


def test_codes_are_drawn_from_the_unambiguous_alphabet() -> None:
    drawn = {verification.new_code() for _ in range(2000)}

    assert len(drawn) == 2000
    assert all(len(c) == 8 and set(c) <= set(verification.ALPHABET) for c in drawn)
    assert not set("ILOU") & set("".join(drawn))
    assert verification.shown("K7P39QXM") == "K7P3-9QXM"
    assert verification.canonical("k7p3–9qxm") == "K7P39QXM"
    assert verification.canonical("1LIO-ABCD") == "1110ABCD"


async def test_a_winner_set_aside_after_the_certificates_has_their_code_revoked(
    app: App, closed: RoundResults
) -> None:
    codes = await _codes(app, closed)
    cheat = closed.awards[0].participant_id

    done = await verification.revoke_holder(
        app.svc,
        "2023-Q1",
        cheat,
        "Gạt khỏi danh sách đạt giải: thời gian trả lời bất thường",
        "bgk",
    )
    nothing = await verification.revoke_holder(app.svc, "2023-Q1", cheat, "lần nữa", "bgk")

    assert done is not None
    assert done.outcome == RevokeOutcome.REVOKED
    assert (await verify(app.svc, codes[cheat])).status == Status.REVOKED
    assert nothing is None  # no live code left


async def test_erasing_a_winner_keeps_the_certificate_but_not_the_reason_typed_about_them(
    app: App, closed: RoundResults, clock: ManualClock
) -> None:
    codes = await _codes(app, closed)
    pid = closed.awards[2].participant_id
    await verification.revoke(app.svc, codes[pid], "Trương Ngọc Ẩn nhờ người thi hộ", "bgk")

    assert await app.svc.erasure.erase(pid, now=clock.now()) is not None

    [entry] = await app.svc.audit.recent(action="certificate.revoke")
    assert entry.detail["reason"] == "(đã xoá)"
    assert entry.detail["code"] == codes[pid]
    # The prize record stands, as the certificate in the winner's hands says.
    assert (await verify(app.svc, codes[pid])).full_name == "Trương Ngọc Ẩn"
