"""The calendar closes a round with planted cheaters: the results are provisional, each
suspicious entry carries the right flags, and nothing about winners reaches anyone but the
organisers until the jury approves."""

from __future__ import annotations

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, Scheduler
from handlers.jury.review import review
from tests.conftest import vn
from tests.jury.planted import plant
from tests.scheduler.conftest import ORGANISER, lead, run_at
from tests.scheduler.recording import RecordingChannel


async def test_closing_flags_the_planted_cheaters_and_announces_no_winner(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    planted = await plant(app, clock)
    ids = planted.ids
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    clock.set(vn(2023, 3, 31, 9, 0))  # well inside the hours messages to people may go
    await broadcaster.run_once()
    # A catch-up leaves a round waiting for the jury waiting.
    assert [d for d in (await jobs.reconcile()).done] == []
    await broadcaster.run_once()

    page = await review(app.svc, "2023-Q1", 1)
    assert not page.approved
    shown = {e.place.participant_id: e for e in page.entries}
    assert [k for k in (f.kind for f in shown[ids["bot"]].flags)] == ["speed"]
    assert shown[ids["bot"]].reasons == [
        "Trả lời nhanh bất thường: trung vị 0,4 giây một câu, câu lâu nhất 0,4 giây (10 câu)"
    ]
    assert [f.kind for f in shown[ids["zalo"]].flags] == ["on_hold", "typed_phone"]
    assert shown[ids["zalo"]].reasons == [
        "Đang tạm giữ: số gõ tay là số đã xác thực của bài khác",
        f"Số điện thoại gõ tay, chưa xác thực; trùng số với bài #{ids['van']}",
    ]
    assert [f.kind for f in shown[ids["edited"]].flags] == ["identity_edited"]
    assert shown[ids["edited"]].reasons == [
        "Thông tin nhận dạng bị sửa sau lượt thi đầu tiên (họ tên; ngày 20/02/2023)"
    ]
    assert shown[ids["hung"]].reasons == [
        "Dự đoán đúng bằng số người tham gia thực tế (7) khi mới có 4 người thi"
    ]
    for honest in ("hai", "hoa"):
        assert ids[honest] not in shown or shown[ids[honest]].flags == []
    assert page.flagged == 4

    # Provisional prizes down the ranking, the held entry skipped.
    tiers = {e.place.participant_id: e.tier for e in page.entries if e.tier}
    assert tiers == {
        ids["bot"]: "first",
        ids["hung"]: "second",
        ids["edited"]: "third",
        ids["hai"]: "third",
    }

    # Nobody who took part, and not the announcement chat, heard of a winner.
    assert channel.to(chat) == []
    for who in planted.people.values():
        if who.user.channel == "telegram":
            assert not any("Chúc mừng" in m or "Kết quả" in m for m in channel.to(who.user.id))
    # The organisers are asked to review, with the count of flagged entries; no file yet.
    [asked] = channel.to(ORGANISER)
    assert "Quý 1" in asked
    assert "kết quả đang là tạm tính" in asked
    assert "Bài có cảnh báo: 4" in asked
    assert "quizbot results 2023-Q1 --review" in asked
    assert channel.documents == []
