"""Vietnamese mobile numbers: normalising what people type and masking what others see."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Vietnamese mobile numbers after the country code: nine digits starting with 3, 5, 7, 8 or 9.
_MOBILE = re.compile(r"^\+84[35789]\d{8}$")


def normalise_phone(raw: str) -> str | None:
    """Return the number as +84XXXXXXXXX, or None when it is not a Vietnamese mobile number."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+840") and len(digits) == 13:
        candidate = "+84" + digits[4:]  # "+84 0912 345 678": the trunk 0 typed after the code
    elif digits.startswith("+"):
        candidate = digits
    elif digits.startswith("84") and len(digits) == 11:
        candidate = "+" + digits
    elif digits.startswith("0") and len(digits) == 10:
        candidate = "+84" + digits[1:]
    else:
        return None
    return candidate if _MOBILE.match(candidate) else None


def local_form(phone: str) -> str:
    """The number as people write it at home: 0912345678."""
    return "0" + phone[3:] if phone.startswith("+84") else phone


def mask_phone(phone: str) -> str:
    """The number as anyone else may see it, the last three digits only: *******678.

    Showing more lets the rest be guessed: with seven digits shown, the 1,000 fillings of the
    other three can each be tried at registration.
    """
    return _masked(phone, shown_first=0)


def mask_own_phone(phone: str) -> str:
    """The number as its owner checks it before confirming, middle digits hidden: 0912***678.

    Only for the participant's own registration summary, never for what others see.
    """
    return _masked(phone, shown_first=4)


def _masked(phone: str, *, shown_first: int) -> str:
    """The local form with all but the first `shown_first` and the last three digits hidden
    (all of it when that would leave fewer than three hidden)."""
    local = local_form(phone)
    hidden = len(local) - shown_first - 3
    if hidden < 3:
        return "*" * len(local)
    return local[:shown_first] + "*" * hidden + local[-3:]
