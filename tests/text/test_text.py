"""Dates, datelines, credits and the chrome lexicon."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tempo_crawler.text.chrome import is_chrome, lexicon, scrub_emails
from tempo_crawler.text.credits import (
    credit_agency,
    editors_pick_title,
    is_credit_line,
    read_also_title,
    split_dateline,
)
from tempo_crawler.text.dates import parse_date, parse_relative
from tempo_crawler.text.normalize import clean_text
from tests.support.leaks import forbidden_in


@pytest.mark.parametrize(("text", "iso"), [
    ("Jumat, 14 Juni 2024 08:00 WIB", "2024-06-14T08:00:00+07:00"),
    ("20 Februari 2025 | 08.16 WIB", "2025-02-20T08:16:00+07:00"),
    ("Kamis, 4 Maret 2021 | 14:06 WIB", "2021-03-04T14:06:00+07:00"),
    ("Senin, 3 Juni 2019 10:35 WITA", "2019-06-03T10:35:00+08:00"),
    ("Selasa, 1 Agustus 2023 19:05 WIT", "2023-08-01T19:05:00+09:00"),
    ("Rabu, 30/08/2017 | 16:15", "2017-08-30T16:15:00+07:00"),
    ("6 August 2023 17:43 WIB", "2023-08-06T17:43:00+07:00"),
    ("2026-07-24T09:00:00+07:00", "2026-07-24T09:00:00+07:00"),
    ("2026-07-24 09:00:00", "2026-07-24T09:00:00+07:00"),
    ("2024-06-14T01:00:00Z", "2024-06-14T01:00:00+00:00"),
    ("Minggu, 1 Desember 2024 23:59 WIB", "2024-12-01T23:59:00+07:00"),
])
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["", None, "kemarin sore", "Juni"])
def test_parse_date_rejects(text: str | None) -> None:
    assert parse_date(text) is None


def test_parse_relative_counts_back_from_fetch_time() -> None:
    now = datetime(2024, 6, 14, 3, 0, 30, tzinfo=timezone.utc)
    assert parse_relative("57 menit lalu", now) == "2024-06-14T09:03:00+07:00"
    assert parse_relative("2 jam lalu", now) == "2024-06-14T08:00:00+07:00"
    assert parse_relative("1 hari lalu", now) == "2024-06-13T10:00:00+07:00"
    assert parse_relative("baru saja", now) is None


@pytest.mark.parametrize(("para", "city", "rest"), [
    ("TEMPO.CO, Jakarta - Sekretaris Jenderal", "Jakarta", "Sekretaris Jenderal"),
    ("TEMPO.CO, JakartaNATO menyatakan", "Jakarta", "NATO menyatakan"),
    ("TEMPO.COTeheran - Presiden Iran", "Teheran", "Presiden Iran"),
    ("TEMPO.CO, Beijing \u2013 Presiden Cina", "Beijing", "Presiden Cina"),
    ("TEMPO.CO, Kuala Lumpur - Polisi", "Kuala Lumpur", "Polisi"),
    ("TEMPO.CO, Jakarta -\u201cKami", "Jakarta", "\u201cKami"),
    ("Presiden Vladimir Putin meledakkan", None, "Presiden Vladimir Putin meledakkan"),
])
def test_split_dateline(para: str, city: str | None, rest: str) -> None:
    assert split_dateline(para) == (city, rest)


def test_credits_and_inserts() -> None:
    assert is_credit_line("ANADOLU") and is_credit_line("IRA GUSLINA SUFA") and is_credit_line("REUTERS")
    assert not is_credit_line("Namun, Hungaria berjanji") and not is_credit_line("2024")
    assert read_also_title("Baca juga:Presiden Prancis Waswas") == "Presiden Prancis Waswas"
    assert read_also_title("Baca: Setelah Aleppo") == "Setelah Aleppo"
    assert read_also_title("Baca:") == ""
    assert read_also_title("Bacaan wajib hari ini") is None
    assert editors_pick_title("Pilihan Editor: Jens Stoltenberg Kirim Pesan") == "Jens Stoltenberg Kirim Pesan"


def test_lexicon_lines_are_chrome_and_content_is_not() -> None:
    for line in lexicon()["exact"]:
        assert is_chrome(line) and is_chrome(f"  {line.upper()} ")
    assert is_chrome("Kami telah mengirimkan link aktivasi melalui email ke someone@example.com.")
    assert is_chrome("slot-iklan-728x90") and is_chrome("Scroll Untuk Melanjutkan")     # prefixes / suffixes
    assert is_chrome("Scroll Untuk Melanjutkan image-gnews") and is_chrome("Iklan Scroll ke bawah untuk membaca berita")
    # Cloudflare's stand-in is an address, not chrome: e-mail scrubbing removes it (test_emails.py)
    assert not is_chrome("[email\u00a0protected]") and scrub_emails("[email\u00a0protected]").strip() == ""
    assert not is_chrome("Iklan rokok dilarang di Singapura sejak 1971.")
    assert not is_chrome("Sekretaris Jenderal NATO Jens Stoltenberg. REUTERS")


def test_emails_scrubbed_and_detected() -> None:
    assert "@" not in scrub_emails("kirim ke pembaca.setia@contoh.example sekarang")
    assert forbidden_in("x image-gnews y a@b.co") == ["image-gnews", "a@b.co"]
    assert forbidden_in("NATO menyatakan") == []


def test_clean_text() -> None:
    assert clean_text("  a\u00a0 b\u200b\n c &amp; d ") == "a b c & d"


# -- 2025-2026 boilerplate (docs/site.md §8) ---------------------------------------------------------

@pytest.mark.parametrize(("line", "title"), [
    ('Di edisi cetak, artikel ini terbit di bawah judul "Menyambut Paus dengan Tangan Terbukanya"',
     "Menyambut Paus dengan Tangan Terbukanya"),
    ("Di edisi cetak, artikel ini terbit di bawah judul \u201cJudul Cetak\u201d.", "Judul Cetak"),
    ("di edisi cetak artikel ini terbit di bawah judul: Tanpa Kutip", "Tanpa Kutip"),
    ("Di edisi cetak, artikel ini terbit di halaman 12", None),
    ("Isi berita biasa.", None),
])
def test_print_title(line: str, title: str | None) -> None:
    from tempo_crawler.text.chrome import print_title

    assert print_title(line) == title


@pytest.mark.parametrize(("paragraph", "opens"), [
    ("PRESIDEN Prabowo tiba di Beijing.", True), ("DI bawah langit-langit Kapel Sistina", True),
    ("\u201cKAMI menolak,\u201d katanya.", True), ("TEMPO.CO, Jakarta - Isi.", True),
    ("Paus Fransiskus akan tiba di Jakarta.", False), ("A ditunjuk sebagai ketua.", False),
])
def test_a_body_opens_with_a_dateline_or_a_word_in_capitals(paragraph: str, opens: bool) -> None:
    from tempo_crawler.text.credits import opens_body

    assert opens_body(paragraph) is opens


def test_summary_box_bounds() -> None:
    from tempo_crawler.text.credits import SummaryBox

    box = SummaryBox()
    assert not box.take("Paragraf sebelum kotak.")           # no heading yet: not the box's
    assert box.take("Ringkasan Berita")
    assert all(box.take(f"Poin {i}.") for i in range(SummaryBox.MAX_BULLETS))
    assert not box.take("Poin kesembilan.")                    # at most MAX_BULLETS
    box = SummaryBox()
    box.take("ringkasan  berita")
    assert not box.take("x" * (SummaryBox.MAX_CHARS + 1))      # a long paragraph is body
    box = SummaryBox()
    box.take("Ringkasan Berita")
    assert box.take("- Poin bertanda.") and not box.take("Paragraf tanpa tanda.")
    assert box.bullets == ["Poin bertanda."]


def test_the_placeholder_caption_is_chrome() -> None:
    assert is_chrome("Image of Tempo") and is_chrome("  image of tempo ")


@pytest.mark.parametrize(("line", "agency"), [
    ("ANADOLU", "ANADOLU"), ("REUTERS", "REUTERS"), ("AP | AL JAZEERA", "AP | AL JAZEERA"),
    ("AFP/REUTERS", "AFP | REUTERS"), ("THE GUARDIAN", "THE GUARDIAN"), ("A.P.", "A.P."),
    ("MEHR NEWS", "MEHR NEWS"), ("DEAGEL.COM", "DEAGEL.COM"), ("IDA ROSDALINA | ANTARA", "ANTARA"),
    ("IRA GUSLINA SUFA", None), ("NN", None), ("DWI", None), ("", None),
])
def test_credit_agency_tells_agencies_from_writers(line: str, agency: str | None) -> None:
    assert credit_agency(line) == agency
