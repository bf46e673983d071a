"""An organiser, in a real browser against a real `quizbot run`: signs in with the link from
Telegram, checks the figures, replaces the question bank, sends a broadcast and watches it end.
Then what must be refused is: the link used again, a form without its token, a participant."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, expect

from tests.fake_telegram import FakeTelegram
from tests.support.process import BotProcess
from tests.telegram.process import TOKEN, BotConfig, running_bot
from tests.telegram.scripted import ADMIN, admin_says, admin_taps, register_all, said
from tests.web.bank_files import bank_csv
from tests.web.browser.pages import Visit
from tests.web.support import LINK

PEOPLE = {8001: "Trịnh Văn Phúc", 8002: "Mai Thị Quyên", 8003: "Tạ Văn Sang"}


async def sign_in_link(tg: FakeTelegram) -> str:
    """/admin, then "Mở trang quản trị": the link the bot sends back."""
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    message = await admin_taps(tg, said("admin.button_web"), "Đăng nhập trang quản trị")
    found = LINK.search(message.shown)
    assert found, message.shown
    return found.group(0)


def figure(bot: BotProcess, sql: str) -> str:
    return f"{int(bot.value(sql)):,}".replace(",", ".")


async def test_an_organiser_signs_in_replaces_the_bank_and_follows_a_broadcast(
    chromium: Browser, tmp_path: Path
) -> None:
    async with (
        FakeTelegram(TOKEN) as tg,
        running_bot(tg, tmp_path, BotConfig(admins=(ADMIN,), broadcast_rate=20)) as bot,
    ):
        await register_all(tg, PEOPLE)
        link = await sign_in_link(tg)
        assert link.startswith(bot.web_url + "/quan-tri/dang-nhap/")
        visit = await Visit.open(chromium, "ban-to-chuc")
        page = visit.page

        await page.goto(link)
        await expect(page.get_by_role("heading", name="Đăng nhập trang quản trị")).to_be_visible()
        await visit.check("dang nhap")
        await page.get_by_role("button", name="Đăng nhập").click()

        # The overview: the same figures as the database.
        await expect(page.get_by_role("heading", name="Tổng quan", level=1)).to_be_visible()
        figures = page.locator("dl.figures")
        registered = figure(bot, "SELECT count(*) FROM participants")
        await expect(figures.locator("[data-figure=registered]")).to_have_text(registered)
        assert registered == "3"
        today = figure(bot, "SELECT count(*) FROM attempts")
        await expect(figures.locator("[data-figure=today]")).to_have_text(today)
        await visit.check("tong quan")

        # A bad bank: every bad row listed, nothing imported; then a good one, confirmed.
        await page.get_by_role("link", name="Ngân hàng câu hỏi").click()
        await visit.check("ngan hang cau hoi")
        bad = tmp_path / "loi.csv"
        bad.write_bytes(bank_csv(12, broken=(3,)))
        await page.get_by_label("Tệp câu hỏi").set_input_files(str(bad))
        await page.get_by_role("button", name="Kiểm tra tệp").click()
        await expect(page.get_by_role("alert")).to_contain_text("Tệp có 1 lỗi, chưa nhập câu nào")
        await expect(page.get_by_role("row", name=re.compile("dòng 4"))).to_be_visible()
        await visit.check("ngan hang loi")
        assert bot.value("SELECT count(*) FROM questions WHERE active") == 100
        await page.get_by_role("link", name="Tải tệp khác").click()
        good = tmp_path / "quy-moi.csv"
        good.write_bytes(bank_csv(12))
        await page.get_by_label("Tệp câu hỏi").set_input_files(str(good))
        await page.get_by_role("button", name="Kiểm tra tệp").click()
        await expect(page.get_by_role("status")).to_contain_text("Tệp hợp lệ: 12 câu hỏi")
        await visit.check("ngan hang hop le")
        await page.get_by_role("button", name="Thay ngân hàng câu hỏi").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Đã nhập 12 câu từ tệp quy-moi.csv"
        )
        assert bot.value("SELECT count(*) FROM questions WHERE active") == 12

        # A broadcast: composed, previewed as participants see it, sent, followed to the end.
        await page.get_by_role("link", name="Thông báo").click()
        await visit.check("thong bao")
        await page.get_by_label("Nội dung").fill("Vòng thi đang mở, mời bạn tham gia!")
        await page.get_by_label("Gửi tới").select_option(label="Mọi người đã đăng ký")
        await page.get_by_role("button", name="Xem trước").click()
        await expect(page.get_by_role("figure")).to_contain_text("Thông báo của Ban Tổ chức")
        await visit.check("xem truoc thong bao")
        await page.get_by_role("button", name="Gửi thông báo").click()
        await expect(page.get_by_text("Đã xử lý 100 %")).to_be_visible(timeout=20_000)
        await expect(page.get_by_text("Đã gửi 3, lỗi 0, còn lại 0")).to_be_visible()
        await expect(page.get_by_text("Đã gửi xong.")).to_be_visible()
        await visit.check("tien do thong bao")
        for uid in PEOPLE:
            await tg.wait_for_text(uid, "Vòng thi đang mở, mời bạn tham gia!")

        for name in ("Đợt thi", "Kết quả", "Người dự thi", "Nhật ký"):
            await page.get_by_role("navigation").get_by_role("link", name=name).click()
            await expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
            await visit.check(name)
        await page.get_by_label("Người thực hiện").select_option(f"telegram:{ADMIN}")
        await page.get_by_role("button", name="Lọc").click()
        await expect(page.get_by_role("cell", name="broadcast.start")).to_be_visible()

        # The link, used again in another browser, opens nothing.
        again = await Visit.open(chromium, "lien-ket-dung-lai")
        await again.page.goto(link)
        await expect(again.page.get_by_role("heading", level=1)).to_have_text(
            "Liên kết không dùng được"
        )
        await again.page.goto(bot.web_url + "/quan-tri")
        await expect(again.page.get_by_role("heading", level=1)).to_have_text("Cần đăng nhập")

        # A form whose token was taken out is refused and does nothing.
        broadcasts = bot.value("SELECT count(*) FROM broadcasts")
        await page.goto(bot.web_url + "/quan-tri/thong-bao")
        await page.get_by_label("Nội dung").fill("Không có mã bảo vệ")
        await page.evaluate(
            "document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())"
        )
        await page.get_by_role("button", name="Xem trước").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Yêu cầu bị từ chối")
        visit.errors = [e for e in visit.errors if "403" not in e]  # the refusal itself
        await visit.check("bieu mau khong co ma")
        assert bot.value("SELECT count(*) FROM broadcasts") == broadcasts


async def test_a_participant_cannot_get_a_sign_in_link(chromium: Browser, tmp_path: Path) -> None:
    async with (
        FakeTelegram(TOKEN) as tg,
        running_bot(tg, tmp_path, BotConfig(admins=(ADMIN,))) as bot,
    ):
        (phuc,) = await register_all(tg, {8001: "Trịnh Văn Phúc"})
        sent = phuc.send_text("/admin")
        await tg.wait_for_text(phuc.id, "Không có lệnh này", after=sent["message"]["message_id"])
        last = tg.sent_to(phuc.id)[-1]
        phuc.tap(last.message_id, "adm:web")  # a forged tap on the organisers' button
        await tg.wait_for(lambda: bool(tg.calls("answerCallbackQuery")))
        await bot.wait_log(tg, "is handled")
        assert not any("dang-nhap" in m.shown for m in tg.sent_to(phuc.id))
        assert bot.value("SELECT count(*) FROM audit_log WHERE action LIKE 'web.%'") == 0
        visit = await Visit.open(chromium, "nguoi-thi")
        await visit.page.goto(bot.web_url + "/quan-tri")
        await expect(visit.page.get_by_role("heading", level=1)).to_have_text("Cần đăng nhập")
        visit.errors = [e for e in visit.errors if "401" not in e]
        await visit.check("chua dang nhap")
