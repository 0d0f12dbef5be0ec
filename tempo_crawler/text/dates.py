"""Tempo dates to ISO 8601 with the page's own offset (WIB +07:00, WITA +08:00, WIT +09:00).

Indonesian month and day names are read by ``dateparser``; this module only isolates the zone,
fixes Tempo's ``08.16`` time form and keeps the offset instead of converting it away.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import dateparser

ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
WIB = timezone(timedelta(hours=7))
_ZONE_RE = re.compile(r"\b(WIB|WITA|WIT)\b\.?", re.IGNORECASE)
_DOT_TIME = re.compile(r"\b(\d{1,2})\.(\d{2})\b(?!\.\d)")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_RELATIVE_RE = re.compile(
    r"^(\d+)\s+(detik|menit|jam|hari|minggu|pekan|bulan|tahun)\s+(?:yang\s+)?lalu$", re.IGNORECASE
)
_UNIT_SECONDS = {
    "detik": 1, "menit": 60, "jam": 3600, "hari": 86400,
    "minggu": 7 * 86400, "pekan": 7 * 86400, "bulan": 30 * 86400, "tahun": 365 * 86400,
}
_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def parse_date(text: str | None, default_tz: timezone = WIB) -> str | None:
    """Any Tempo date form (ISO, ``2026-07-24 09:00:00``, ``Jumat, 14 Juni 2024 08:00 WIB``,
    ``20 Februari 2025 | 08.16 WIB``) to ISO 8601 with offset. A date without a zone is WIB."""
    if not text:
        return None
    text = " ".join(text.replace("\xa0", " ").split())
    if not text:
        return None
    if _ISO_RE.match(text):
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            dt = None
        if dt is not None:
            return _iso(dt if dt.tzinfo else dt.replace(tzinfo=default_tz))
    tz = default_tz
    m = _ZONE_RE.search(text)
    if m:
        tz = timezone(timedelta(hours=ZONES[m.group(1).upper()]))
        text = _ZONE_RE.sub(" ", text)
    text = _DOT_TIME.sub(r"\1:\2", text.replace("|", " ")).strip(" ,")
    dt = dateparser.parse(text, languages=["id", "en"], settings=_SETTINGS)
    if dt is None:
        return None
    return _iso(dt.replace(tzinfo=tz) if dt.tzinfo is None else dt)


def parse_relative(text: str | None, now: datetime) -> str | None:
    """``57 menit lalu`` relative to ``now`` (the fetch time) to ISO 8601 in WIB, to the minute."""
    if not text:
        return None
    m = _RELATIVE_RE.match(" ".join(text.split()))
    if not m:
        return None
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    when = now - timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])
    return _iso(when.astimezone(WIB).replace(second=0, microsecond=0))


def utc_now_iso() -> str:
    return _iso(datetime.now(timezone.utc).replace(microsecond=0))


# Dates outside this range are not taken for an article's dates: Tempo's web archive begins in the 1990s, and
# nothing is published more than a day after it was fetched (a page's clock may be ahead by hours, not days).
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=1)


def plausible(iso: str | None, fetched_at: str | None = None) -> bool:
    """Is ``iso`` (ISO 8601) a date an article can carry: from :data:`EARLIEST` up to a day after the fetch
    time ``fetched_at`` (default: now)? False for an unreadable value."""
    if not iso:
        return False
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        fetched = datetime.fromisoformat(fetched_at.replace("Z", "+00:00")) if fetched_at else None
    except ValueError:
        return False
    if not EARLIEST.year <= when.year <= 9998:   # compare years first: year 1 or 9999 overflow in UTC
        return False
    when = when if when.tzinfo else when.replace(tzinfo=WIB)
    fetched = fetched if fetched and fetched.tzinfo else (fetched.replace(tzinfo=timezone.utc) if fetched
                                                         else datetime.now(timezone.utc))
    return EARLIEST <= when <= fetched + FUTURE_SLACK
