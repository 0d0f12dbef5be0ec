"""The regular-expression reading of Tempo's own date forms must give exactly what dateparser gives, and
must keep dateparser (import and first call cost, issue 14) out of a crawl that meets only those forms."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from tempo_crawler.text import dates
from tempo_crawler.text.dates import parse_date
from tests.support.crawl import ROOT

WEEKDAYS = ["", "Jumat, ", "jumat ", "Senin, ", "MINGGU, ", "Ahad, ", "Rabu,  "]   # Rabu: not that date's day
DAYS = ["1", "01", "9", "14", "28", "29", "30", "31"]
MONTHS = ["Januari", "februari", "MARET", "Juni", "Agustus", "Desember"]
YEARS = ["2019", "2024", "2025"]
TIMES = ["", " 08:00", " 8:05", " 08.16", " | 08.16", ", 14:06", " 23:59:59", " 24:00", " 07:60"]
ZONES = ["", " WIB", " WITA", " WIT", " wib"]


def forms() -> list[str]:
    """Tempo's forms and their near misses (impossible days, hours, minutes; odd case and spacing)."""
    out = []
    for i, (w, d, m, y) in enumerate(itertools.product(WEEKDAYS, DAYS, MONTHS, YEARS)):
        out.append(f"{w}{d} {m} {y}{TIMES[i % len(TIMES)]}{ZONES[i % len(ZONES)]}")
    return out


def test_fast_path_equals_dateparser_form_by_form(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = forms()
    read = dates._tempo_date
    hits = []
    monkeypatch.setattr(dates, "_tempo_date", lambda text: hits.append(text) or read(text))
    fast = [parse_date(t) for t in cases]
    assert sum(read(t) is not None for t in hits) > 0.6 * len(cases)   # most forms take the fast path
    monkeypatch.setattr(dates, "_tempo_date", lambda text: None)   # dateparser alone, as before issue 14
    slow = [parse_date(t) for t in cases]
    differ = [(t, f, s) for t, f, s in zip(cases, fast, slow, strict=True) if f != s]
    assert not differ, differ[:10]


@pytest.mark.parametrize("text", ["14 Jun 2024 08:00", "Jum'at, 14 Juni 2024 08:00", "30/08/2017 16:15",
                                  "6 August 2023 17:43", "14 Juni 1850", "٣ Juni 2024"])
def test_other_forms_are_left_to_dateparser(text: str) -> None:
    assert dates._tempo_date(text) is None


def test_tempo_forms_do_not_import_dateparser() -> None:
    code = ("import sys; from tempo_crawler.text.dates import parse_date; "
            "r = [parse_date(t) for t in ('Jumat, 14 Juni 2024 08:00 WIB', '20 Februari 2025 | 08.16 WIB', "
            "'2024-06-14T08:00:00+07:00')]; print(r, 'dateparser' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == ("['2024-06-14T08:00:00+07:00', '2025-02-20T08:16:00+07:00', "
                                  "'2024-06-14T08:00:00+07:00'] False"), out.stderr
