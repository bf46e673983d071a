"""How times, durations, numbers and names are shown to people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(dt: datetime, tz: ZoneInfo) -> datetime:
    """An instant in the contest's time zone."""
    return dt.astimezone(tz)


def date_vn(dt: datetime, tz: ZoneInfo) -> str:
    """15/02/2023"""
    return local(dt, tz).strftime("%d/%m/%Y")


def datetime_vn(dt: datetime, tz: ZoneInfo) -> str:
    """08:30 ngày 15/02/2023"""
    d = local(dt, tz)
    return f"{d:%H:%M} ngày {d:%d/%m/%Y}"


def duration_vn(ms: int) -> str:
    """3 phút 05 giây"""
    seconds = max(ms, 0) // 1000
    minutes, seconds = divmod(seconds, 60)
    if minutes == 0:
        return f"{seconds} giây"
    return f"{minutes} phút {seconds:02d} giây"


def countdown(ms: int) -> str:
    """09:12"""
    seconds = max(ms, 0) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def number_vn(n: int) -> str:
    """1.234.567 (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def mask_name(full_name: str) -> str:
    """Nguyễn Văn An -> Nguyễn V. A.: the family name and the initials of the rest."""
    parts = full_name.split()
    if len(parts) <= 1:
        return full_name
    return " ".join([parts[0], *(p[0].upper() + "." for p in parts[1:])])
