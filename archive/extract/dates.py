"""Dates: structured values normalized to ISO 8601, and a visible-date fallback."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice

from htmldate import find_date
from lxml.html import HtmlElement

_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*"
    r"(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d))?)?",
    re.IGNORECASE,
)
_DMY = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b(?:[,\s]+(\d{1,2})[:.](\d{2}))?")
_EPOCH = re.compile(r"^\d{10}(\d{3})?$")
_MIN_YEAR, _MAX_YEAR = 1995, 2100


def _valid(year: int, month: int, day: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31


def normalize_date(value: str) -> str:
    """ISO 8601 (`2024-05-03T17:47:42+02:00`, or just the day) from a date string, or ""."""
    value = (value or "").strip()
    if not value or len(value) > 100:
        return ""
    if _EPOCH.match(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        stamp = datetime.fromtimestamp(seconds, UTC)
        return stamp.isoformat() if _MIN_YEAR <= stamp.year <= _MAX_YEAR else ""
    match = _ISO.search(value)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        if not _valid(year, month, day):
            return ""
        if match[4] is None:
            return f"{year:04d}-{month:02d}-{day:02d}"
        hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return f"{year:04d}-{month:02d}-{day:02d}"
        tz = (match[7] or "").upper()
        if tz in ("Z", "UTC", "GMT"):
            tz = "+00:00"
        elif tz:
            digits = tz[1:].replace(":", "")
            tz = f"{tz[0]}{digits[:2]}:{digits[2:4] or '00'}"
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{tz}"
    parsed: datetime | None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return parsed.isoformat()
    match = _DMY.search(value)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if _valid(year, month, day):
            if match[4] and int(match[4]) < 24 and int(match[5]) < 60:
                return f"{year:04d}-{month:02d}-{day:02d}T{int(match[4]):02d}:{match[5]}:00"
            return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def visible_date(tree: HtmlElement, url: str) -> str:
    """The publication day from `<time>` elements or htmldate's quick search, or ""."""
    for el in islice(tree.iterfind(".//time"), 5):
        value = normalize_date(el.get("datetime") or "") or normalize_date(el.text_content())
        if value:
            return value
    try:
        found = find_date(
            tree, url=url or None, extensive_search=False, original_date=True, verbose=False
        )
    except Exception:  # noqa: BLE001 - htmldate is a best-effort fallback; never let it fail extraction
        return ""
    return normalize_date(found or "")
