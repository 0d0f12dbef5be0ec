"""Sitemap dates (``w3c_datetime``) in every form it reads, and the plausible-date window (``plausible``) at its
edges: found by mutation testing (``make mutants``), which the page and crawl tests never reached."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from tempo_crawler.limits import MAX_DATE_TEXT
from tempo_crawler.text.dates import parse_relative, plausible, w3c_datetime


@pytest.mark.parametrize(("lastmod", "iso"), [
    ("2024-06-14", "2024-06-14T00:00:00+07:00"),                       # a day alone: WIB midnight
    ("2024-06-14T08:30", "2024-06-14T08:30:00+07:00"),
    ("2024-06-14T08:30:15", "2024-06-14T08:30:15+07:00"),
    ("2024-06-14T08:30:15Z", "2024-06-14T08:30:15+00:00"),
    ("2024-06-14 08:30:15 UTC", "2024-06-14T08:30:15+00:00"),
    ("2024-06-14T08:30:15 gmt", "2024-06-14T08:30:15+00:00"),
    ("2024-06-14T08:30:15+0530", "2024-06-14T08:30:15+05:30"),
    ("2024-06-14T08:30:15+05:30", "2024-06-14T08:30:15+05:30"),
    ("2024-06-14T08:30:15+05", "2024-06-14T08:30:15+05:00"),
    ("2024-06-14T08:30:15-0330", "2024-06-14T08:30:15-03:30"),
    ("2024-06-14T08:30:15.5+07:00", "2024-06-14T08:30:15+07:00"),       # fractions are read, then dropped
    ("2024-06-14T08:30:15,123456789Z", "2024-06-14T08:30:15+00:00"),   # nine digits: the first six are read
    (" 2024-06-14T08:30:15Z\n", "2024-06-14T08:30:15+00:00"),
    ("2024-02-30", None),                                              # no such day
])
def test_sitemap_dates(lastmod: str, iso: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    # every W3C form is read without dateparser (it costs ~2 ms a date)
    monkeypatch.setitem(sys.modules, "dateparser", SimpleNamespace(parse=lambda *a, **k: pytest.fail("dateparser")))
    assert w3c_datetime(lastmod) == iso


def test_sitemap_dates_in_another_zone_and_form() -> None:
    assert w3c_datetime("2024-06-14T08:30", timezone.utc) == "2024-06-14T08:30:00+00:00"
    assert w3c_datetime("2024-06-14", timezone.utc) == "2024-06-14T00:00:00+00:00"
    # not a W3C form: read as any Tempo date, in the zone given
    assert w3c_datetime("Jumat, 14 Juni 2024 08:00", timezone.utc) == "2024-06-14T08:00:00+00:00"
    assert w3c_datetime("Jumat, 14 Juni 2024 08:00") == "2024-06-14T08:00:00+07:00"
    assert w3c_datetime("") is None and w3c_datetime(None) is None and w3c_datetime("bukan tanggal") is None


FETCHED = "2024-06-14T00:00:00+00:00"


@pytest.mark.parametrize(("iso", "fetched", "ok"), [
    (None, FETCHED, False),
    ("", FETCHED, False),
    ("bukan tanggal", FETCHED, False),
    ("2024-06-14T08:00:00+07:00", "bukan tanggal", False),
    ("1989-12-31T23:59:59+00:00", FETCHED, False),
    ("1990-01-01T00:00:00+00:00", FETCHED, True),                        # the earliest date itself
    ("1990-06-01T00:00:00+00:00", FETCHED, True),
    ("2024-06-15T00:00:00+00:00", FETCHED, True),                        # a day after the fetch, exactly
    ("2024-06-15T00:00:01+00:00", FETCHED, False),
    ("2024-06-15T00:00:00Z", "2024-06-14T00:00:00Z", True),              # "Z" either side
    ("2024-06-15T00:00:01Z", "2024-06-14T00:00:00Z", False),
    ("2024-06-15T06:00:00", FETCHED, True),                              # naive: WIB, 23:00 UTC the day before
    ("2024-06-15T07:30:00", FETCHED, False),
    ("2024-06-15T00:30:00+00:00", "2024-06-14T07:00:00+07:00", False),  # the fetch time's own offset counts
    ("2024-06-15T00:30:00+00:00", "2024-06-14T07:00:00", True),          # a naive fetch time is UTC
    ("2024-06-16T00:30:00+00:00", "2024-06-14T07:00:00", False),
    ("9998-01-01T00:00:00+00:00", "9998-06-01T00:00:00+00:00", True),
    ("9999-01-01T00:00:00+00:00", "9999-06-01T00:00:00+00:00", False),   # past the last year that has a next day
])
def test_plausible_dates(iso: str | None, fetched: str, ok: bool) -> None:
    assert plausible(iso, fetched) is ok


def test_plausible_without_a_fetch_time_is_up_to_a_day_from_now() -> None:
    assert plausible("2024-06-14T08:00:00+07:00") and plausible("2024-06-14T08:00:00")
    assert not plausible("2999-01-01T00:00:00+00:00") and not plausible("2999-01-01T00:00:00")


def test_relative_times_of_bounded_length_only() -> None:
    now = datetime(2024, 6, 21, 5, 0, tzinfo=timezone.utc)
    exact = "2 jam lalu".ljust(MAX_DATE_TEXT)
    assert parse_relative(exact, now) == "2024-06-21T10:00:00+07:00"
    assert parse_relative(exact + " ", now) is None            # one character over the limit
    assert parse_relative(5, now) is None and parse_relative(None, now) is None  # type: ignore[arg-type]
