"""Edges of the text rules that the page tests never reach (found by mutation testing, ``make mutants``): empty
and blank lines, no-break spaces, dateline separators, the credit line's word limit, dates with an offset of
their own or none at all, and the ISO fast path that never pays for dateparser."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from tempo_crawler.text.chrome import is_chrome
from tempo_crawler.text.credits import dateline_glued, is_credit_line, split_dateline
from tempo_crawler.text.dates import parse_date, parse_relative, utc_now_iso


def test_empty_and_blank_lines_are_not_chrome() -> None:
    assert not is_chrome("") and not is_chrome(None) and not is_chrome(" \u00a0\n ")


def test_no_break_spaces_inside_a_chrome_line() -> None:
    assert is_chrome("Konfirmasi\u00a0Email") and is_chrome("\u00a0Iklan\u00a0")


@pytest.mark.parametrize(("para", "glued"), [
    ("TEMPO.CO, JakartaNATO menyatakan dukungan", True),
    ("TEMPO.CO, Jakarta - NATO menyatakan dukungan", False),
    ("TEMPO.CO, Kuala Lumpur - Polisi menangkap", False),
    ("TEMPO.CO, Beijing \u2013 Presiden Cina", False),
    ("Presiden Vladimir Putin meledakkan", False),
])
def test_dateline_glued(para: str, glued: bool) -> None:
    assert dateline_glued(para) is glued


def test_split_dateline_trims_every_separator_but_not_the_text() -> None:
    assert split_dateline("TEMPO.CO, Jakarta -- Isi berita.") == ("Jakarta", "Isi berita.")
    assert split_dateline("TEMPO.CO, Jakarta - XINHUA melaporkan") == ("Jakarta", "XINHUA melaporkan")
    assert split_dateline("TEMPO.CO, Jakarta - Isi berita -") == ("Jakarta", "Isi berita -")


def test_credit_line_has_at_most_six_words() -> None:
    assert is_credit_line("ANTARA REUTERS AFP AP XINHUA BERNAMA")
    assert not is_credit_line("KANTOR BERITA ANTARA DAN REUTERS DAN AFP")


def test_dates_with_no_break_spaces_their_own_zone_or_offset() -> None:
    assert parse_date("Jumat, 14\u00a0Juni 2024 08:00 WIB") == "2024-06-14T08:00:00+07:00"
    assert parse_date("Jumat, 14 Juni 2024 08:00 WITA") == "2024-06-14T08:00:00+08:00"
    assert parse_date("Jumat, 14 Juni 2024 08:00 WIT") == "2024-06-14T08:00:00+09:00"
    assert parse_date("14 Juni 2024 08:00 +0000") == "2024-06-14T08:00:00+00:00"   # an offset of its own is kept


def test_iso_dates_never_reach_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser called for an ISO date")

    # dates.py imports dateparser only when its own forms fail: any import of it here gets the refusing double
    monkeypatch.setitem(sys.modules, "dateparser", SimpleNamespace(parse=refuse))
    assert parse_date("2024-06-14T08:00:00+07:00") == "2024-06-14T08:00:00+07:00"
    assert parse_date("2024-06-14T01:00:00Z") == "2024-06-14T01:00:00+00:00"
    assert parse_date("2026-07-24 09:00:00") == "2026-07-24T09:00:00+07:00"


def test_an_impossible_iso_date_is_none() -> None:
    assert parse_date("2024-13-45T08:00:00") is None


def test_relative_time_from_naive_and_aware_fetch_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")   # a naive fetch time is UTC, never the machine's local time
    time.tzset()
    try:
        assert parse_relative("2 jam lalu", datetime(2024, 6, 21, 5, 0)) == "2024-06-21T10:00:00+07:00"
        wib = timezone(timedelta(hours=7))
        assert parse_relative("2 jam lalu", datetime(2024, 6, 21, 12, 0, tzinfo=wib)) == "2024-06-21T10:00:00+07:00"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_utc_now_iso_is_utc_to_the_second() -> None:
    now = utc_now_iso()
    assert now.endswith("+00:00") and "." not in now
    assert abs(datetime.fromisoformat(now) - datetime.now(timezone.utc)) < timedelta(seconds=5)
