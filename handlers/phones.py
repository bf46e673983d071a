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
    """Hide the middle digits: 0912***678."""
    local = local_form(phone)
    if len(local) < 7:
        return "*" * len(local)
    return f"{local[:4]}***{local[-3:]}"
