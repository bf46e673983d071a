"""A question with a picture on Zalo: the picture is sent by URL (the web server's /anh/...)
just before the question's text. An answer turns the question into the next one, as for a text
question: the next picture, then one text whose first line confirms the answer."""

from __future__ import annotations

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from tests.fake_zalo import FakeZalo
from tests.support.pictures import use_pictured_bank
from tests.zalo.participant import ZaloParticipant, correct_letter

SITE = "https://thi.ninhbinh.example.vn"


async def _picture_of_the_question_showing(app: App, user_id: str) -> str:
    person = await app.svc.participants.by_account("zalo", user_id)
    assert person is not None
    assert person.id is not None
    live = await app.svc.store.attempt(person.id)
    assert live is not None
    qid = live.question_ids[live.next_index]
    return (await app.svc.pool.get_many([qid]))[qid].image


async def test_the_picture_comes_by_url_before_each_question(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    app.svc.public_url = SITE
    await use_pictured_bank(app)
    await an.register()

    seq = zl.last_seq()
    await an.say("thi", "Câu 1/10")
    sent = [m for m in zl.sent_to(an.id) if m.seq > seq]
    key = await _picture_of_the_question_showing(app, an.id)
    assert [(m.kind, m.photo) for m in sent[-2:]] == [
        ("photo", f"{SITE}/anh/{key}"),
        ("text", None),
    ]
    # The attempt's introduction leads the first question's text, after its picture.
    assert sent[-1].text.startswith("Quý 1 — lượt thi của bạn bắt đầu")
    assert "\n\nCâu 1/10 · ⏱" in sent[-1].text

    seq = zl.last_seq()
    await an.say(await correct_letter(app, an.id), "Câu 2/10")
    key = await _picture_of_the_question_showing(app, an.id)
    sent = [m for m in zl.sent_to(an.id) if m.seq > seq]
    assert [(m.kind, m.photo) for m in sent] == [("photo", f"{SITE}/anh/{key}"), ("text", None)]
    assert sent[1].text.startswith("✓ Câu 1: đã ghi nhận ")
    assert "\n\nCâu 2/10 · ⏱" in sent[1].text
    zl.assert_no_violations()


async def test_a_picture_zalo_refuses_does_not_hold_back_the_question(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    # The picture's file gone from the server (its /anh/... address answers 404): Zalo
    # refuses the photo, and the question still comes, as text.
    app.svc.public_url = SITE
    await use_pictured_bank(app)
    await an.register()

    zl.fail_next("sendPhoto", 400, "Bad Request: the photo could not be fetched")
    await an.say("thi", "Câu 1/10")
    seq = zl.last_seq()
    await an.say(await correct_letter(app, an.id), "Câu 2/10")

    sent = [m for m in zl.sent_to(an.id) if m.seq > seq]
    assert sent[-1].text.startswith("✓ Câu 1: đã ghi nhận ")
