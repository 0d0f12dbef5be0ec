"""Tempo dates to ISO 8601 with the page's own offset (WIB +07:00, WITA +08:00, WIT +09:00).

Indonesian month and day names are read by ``dateparser``; this module only isolates the zone,
fixes Tempo's ``08.16`` time form and keeps the offset instead of converting it away. The forms Tempo
prints (``[Weekday,] 14 Juni 2024 [08:00[:00]]``) are read by a regular expression first, with exactly
dateparser's result (a test compares them form by form): dateparser costs ~2 ms a date and ~0.5 s on its
first call, so it is imported and called only for anything else.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from tempo_crawler.limits import MAX_DATE_TEXT
from tempo_crawler.text.normalize import collapse_spaces

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
_MONTHS = {name: n for n, name in enumerate(
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
     "november", "desember"), 1)}
_WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad")
_TEMPO_DATE = re.compile(
    rf"(?:(?:{'|'.join(_WEEKDAYS)}),?\s+)?(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+((?:19|20)\d\d)"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.IGNORECASE | re.ASCII)
_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _tempo_date(text: str) -> datetime | None:
    """``[Weekday,] D Month YYYY [H:MM[:SS]]`` (Indonesian names, any case; the weekday is not checked, as
    dateparser does not) to a naive datetime; None for any other form or an impossible date."""
    m = _TEMPO_DATE.fullmatch(text)
    if m is None:
        return None
    day, month, year, hour, minute, second = m.groups()
    try:
        return datetime(int(year), _MONTHS[month.lower()], int(day), int(hour or 0), int(minute or 0),
                        int(second or 0))
    except ValueError:
        return None


def parse_date(text: str | None, default_tz: timezone = WIB) -> str | None:
    """Any Tempo date form (ISO, ``2026-07-24 09:00:00``, ``Jumat, 14 Juni 2024 08:00 WIB``,
    ``20 Februari 2025 | 08.16 WIB``) to ISO 8601 with offset. A date without a zone is WIB. Anything
    that is not a string of at most ``MAX_DATE_TEXT`` characters is not a date (None)."""
    if not text or not isinstance(text, str) or len(text) > MAX_DATE_TEXT:
        return None
    text = collapse_spaces(text)   # NBSP included
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
    dt = _tempo_date(text)
    if dt is None:
        import dateparser

        dt = dateparser.parse(text, languages=["id", "en"], settings=_SETTINGS)
    if dt is None:
        return None
    return _iso(dt.replace(tzinfo=tz) if dt.tzinfo is None else dt)


def parse_relative(text: str | None, now: datetime) -> str | None:
    """``57 menit lalu`` relative to ``now`` (the fetch time) to ISO 8601 in WIB, to the minute."""
    if not text or not isinstance(text, str) or len(text) > MAX_DATE_TEXT:
        return None
    m = _RELATIVE_RE.match(collapse_spaces(text))
    if not m:
        return None
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    when = now - timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])
    return _iso(when.astimezone(WIB).replace(second=0, microsecond=0))


def utc_now_iso() -> str:
    return _iso(datetime.now(timezone.utc).replace(microsecond=0))


# Sitemap <lastmod> (W3C datetime) in the forms seen or plausible (docs/site.md §7): date only, minutes or
# seconds, fractions, "Z"/"UTC"/"GMT" or an offset with or without colon, a space before the zone.
_W3C = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
                  r" ?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$", re.IGNORECASE)


def w3c_datetime(text: str | None, default_tz: timezone = WIB) -> str | None:
    """A sitemap ``<lastmod>`` to ISO 8601 with offset; a date or time without a zone is taken as WIB. Other
    forms go to :func:`parse_date`; None when nothing reads."""
    if not text:
        return None
    value = collapse_spaces(text)
    m = _W3C.match(value)
    if not m:
        return parse_date(value, default_tz)
    day, hour, minute, second, fraction, zone = m.groups()
    tz = default_tz
    if zone and zone.upper() in ("Z", "UTC", "GMT"):
        tz = timezone.utc
    elif zone:
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        tz = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
    try:
        dt = datetime.fromisoformat(day).replace(
            hour=int(hour or 0), minute=int(minute or 0), second=int(second or 0),
            microsecond=int((fraction or "0")[:6].ljust(6, "0")), tzinfo=tz)
    except ValueError:
        return None
    return _iso(dt)


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
