"""The catalogue's channel variants: `key@zalo` words a text for Zalo (and the console), where
there is nothing to tap and no contact to share; the engine fills texts in the user's wording."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest

from bot.app import App
from handlers.texts import CHANNEL_VARIANTS, Texts, plain
from tests.support.client import Person

CATALOGUE = Texts("vi")
VARIANTS = sorted((v, key) for v, keys in CATALOGUE.variants.items() for key in keys)
# Texts only Telegram users ever read: organisers work in Telegram, the contact button and the
# label of its keyboard exist there only, and only Telegram limits the size of a file sent.
TELEGRAM_ONLY = {
    "common.file_too_large",
    "common.file_too_large_kept",
    "register.share_contact",
    "register.contact_not_own",
    "register.phone_verified_elsewhere",
}
# What cannot be done on Zalo: tap ("bấm") a button ("nút"), share a contact. Naming Telegram
# is fine where it is the other app an entry is linked with (see /lienket).
NOT_ON_ZALO = re.compile(r"bấm|nút|chia sẻ số", re.IGNORECASE)


def test_there_are_variants_and_only_of_channels_that_read_them() -> None:
    assert len(VARIANTS) >= 9
    assert set(CATALOGUE.variants) <= set(CHANNEL_VARIANTS.values())


@pytest.mark.parametrize(("variant", "key"), VARIANTS)
def test_a_variant_words_an_existing_text_with_the_same_placeholders(
    variant: str, key: str
) -> None:
    assert key in CATALOGUE.templates
    template = CATALOGUE.variants[variant][key]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    assert names == CATALOGUE.placeholders(key)
    assert template != CATALOGUE.templates[key]
    assert unicodedata.is_normalized("NFC", template)
    assert set(re.findall(r"</?([a-zA-Z]+)[^>]*>", template)) <= {"b", "i", "code"}


@pytest.mark.parametrize("channel", ["zalo", "console"])
def test_nothing_a_zalo_or_console_user_reads_asks_to_tap_or_share_a_contact(
    channel: str,
) -> None:
    read = {
        key: CATALOGUE.as_read_on(channel, key)
        for key in CATALOGUE.templates
        if not key.startswith("admin.") and key not in TELEGRAM_ONLY
    }
    wrong = {key: text for key, text in read.items() if NOT_ON_ZALO.search(plain(text))}
    assert wrong == {}


def test_telegram_users_read_the_plain_texts() -> None:
    for key in CATALOGUE.templates:
        assert CATALOGUE.as_read_on("telegram", key) == CATALOGUE.templates[key]


def test_texts_are_filled_in_the_wording_of_the_channel_spoken_to() -> None:
    assert "bấm nút" in CATALOGUE("register.ask_phone")
    with CATALOGUE.speaking_to("zalo"):
        assert CATALOGUE("register.ask_phone").startswith(
            "2/6. Số điện thoại di động của bạn: bạn gõ số, ví dụ: 0912345678."
        )
        assert CATALOGUE("register.ask_name") == CATALOGUE.templates["register.ask_name"]
        with CATALOGUE.speaking_to("telegram"):
            assert "bấm nút" in CATALOGUE("register.ask_phone")
        assert "bấm" not in CATALOGUE("register.ask_phone")
    assert "bấm nút" in CATALOGUE("register.ask_phone")


@pytest.mark.parametrize(("channel", "asked"), [("telegram", "bấm nút"), ("zalo", "bạn gõ số")])
async def test_the_engine_words_its_replies_for_the_users_channel(
    app: App, channel: str, asked: str
) -> None:
    person = Person.on(app, channel, "77", "An")
    await person.send("/dangky")
    await person.send("Nguyễn Văn An")
    assert asked in person.said
