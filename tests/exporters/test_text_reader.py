"""The text reader: raw sample dumps and text forms back into items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tempo_crawler.exporters.text_form import to_text
from tempo_crawler.exporters.text_reader import looks_like_caption, looks_like_name, read_text
from tempo_crawler.items import Article, article_from_dict, article_to_dict
from tests.support.golden import Golden, goldens
from tests.support.leaks import forbidden_in
from tests.support.samples import (
    EMAIL,
    EXPECTED_TEXT,
    GLUED,
    SAMPLES,
    expected_data,
    expected_item,
    raw_paths,
)

NAMES = sorted(SAMPLES)
RAW_CASES = [(n, p) for n in NAMES for p in raw_paths(n)]


def related_view(article: Article) -> list[tuple]:
    return [(r.title, r.relative_time, r.image_caption, r.summary) for r in article.related]


def visible_fields(a: Article) -> dict:
    """Everything a text (form or dump) carries."""
    return {
        "title": a.title, "reporters": a.reporters, "editors": a.editors, "dateline": a.dateline,
        "image_caption": a.image_caption, "body": a.body, "read_also": [x.title for x in a.read_also],
        "editors_pick": a.editors_pick.title if a.editors_pick else None, "agency": a.agency,
        "closing_credit": a.closing_credit, "related": related_view(a),
    }


@pytest.mark.parametrize(("name", "path"), RAW_CASES, ids=[f"{n}-{p.parent.name}" for n, p in RAW_CASES])
def test_raw_sample_reads_as_the_expected_item(name: str, path: Path) -> None:
    got = read_text(path.read_text("utf-8"))
    want = expected_item(name)
    assert got.title == want.title
    assert got.reporters == want.reporters
    assert got.editors == want.editors
    assert got.image_caption == want.image_caption
    assert got.dateline == want.dateline
    assert got.body == want.body
    assert (got.editors_pick.title if got.editors_pick else None) == (
        want.editors_pick.title if want.editors_pick else None)
    assert (got.agency, got.closing_credit) == (want.agency, want.closing_credit)
    assert related_view(got) == related_view(want)
    assert len(got.related) == 10
    assert got.dateline_glued is GLUED[name]


@pytest.mark.parametrize(("name", "path"), RAW_CASES, ids=[f"{n}-{p.parent.name}" for n, p in RAW_CASES])
def test_raw_sample_never_yields_an_email_or_chrome(name: str, path: Path) -> None:
    dumped = json.dumps(article_to_dict(read_text(path.read_text("utf-8"))), ensure_ascii=False)
    assert EMAIL.findall(dumped) == []
    assert forbidden_in(dumped) == []
    for word in ("Iklan", "Rekomendasi Artikel", "Video Pilihan", "Lupa Kata Sandi", "Konfirmasi Email"):
        assert f'"{word}"' not in dumped


@pytest.mark.parametrize(("name", "path"), RAW_CASES, ids=[f"{n}-{p.parent.name}" for n, p in RAW_CASES])
def test_raw_sample_to_text_form(name: str, path: Path) -> None:
    """Raw dump → item → text form gives the hand-written text form (the chrome-free sample)."""
    assert to_text(read_text(path.read_text("utf-8"))) == (EXPECTED_TEXT / f"{name}.txt").read_text("utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_relative_times_become_dates_with_the_fetch_time(name: str) -> None:
    data, origin, fetched_at = expected_data(name)
    assert fetched_at is not None, f"{origin} has no fetch time (its golden meta.json names one)"
    got = read_text(raw_paths(name)[0].read_text("utf-8"), fetched_at=fetched_at)
    assert [r.published_at for r in got.related] == [r["published_at"] for r in data["related"]]


def test_email_in_the_login_block_is_never_output() -> None:
    text = "\n".join([
        "Konfirmasi Email", "", "Kami telah mengirimkan link aktivasi melalui email ke pembaca.rahasia@contoh.example.",
        "", "Jika Anda tidak menerima email,", "Kirimkan Lagi Sekarang", "", "Judul Berita", "", "Reporter", "",
        "TEMPO.CO, Jakarta - Isi berita, tulis ke redaksi@contoh.example bila perlu.", "",
    ])
    got = read_text(text)
    assert got.title == "Judul Berita"
    assert got.body == ["Isi berita, tulis ke bila perlu."]
    dumped = json.dumps(article_to_dict(got))
    assert "@" not in dumped and "rahasia" not in dumped


GOLDENS = goldens()


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
def test_text_form_round_trips_every_golden_item(golden: Golden) -> None:
    item = article_from_dict(golden.expected)
    text = to_text(item)
    back = read_text(text)
    assert visible_fields(back) == visible_fields(item)
    assert to_text(back) == text


def test_round_trip_without_dateline_caption_or_labels_content() -> None:
    item = Article(title="Judul", body=["Paragraf pertama tanpa dateline.", "Kedua."], agency="REUTERS",
                   closing_credit="REUTERS")
    assert visible_fields(read_text(to_text(item))) == visible_fields(item)


def test_round_trip_caption_without_dateline() -> None:
    item = Article(title="Judul", editors=["Yudono Yanuar"], image_caption="Xi Jinping. REUTERS/Jason Lee",
                   body=["Presiden Xi berbicara di Beijing."])
    assert visible_fields(read_text(to_text(item))) == visible_fields(item)


def test_bare_baca_label_collects_the_title_lines() -> None:
    text = "\n".join([
        "Judul", "", "TEMPO.CO, Beijing - Paragraf satu yang cukup panjang untuk sebuah berita.", "", "Baca:",
        "Trump-Putin Bertelepon, Ini Isi Percakapannya", "Obama Terima Pencari Suaka Australia, Bagaimana Trump?",
        "", "Presiden Xi tampaknya risau menghadapi sikap Trump yang sejak kampanye mengkritik Cina.",
    ])
    got = read_text(text)
    assert [x.title for x in got.read_also] == [
        "Trump-Putin Bertelepon, Ini Isi Percakapannya", "Obama Terima Pencari Suaka Australia, Bagaimana Trump?"]
    assert got.body == ["Paragraf satu yang cukup panjang untuk sebuah berita.",
                        "Presiden Xi tampaknya risau menghadapi sikap Trump yang sejak kampanye mengkritik Cina."]


def test_url_line_of_the_page_dumps() -> None:
    got = read_text("https://dunia.tempo.co/read/1879931/nato-setujui/full&view=ok\nJudul\n\nTEMPO.CO, Jakarta - Isi.")
    assert (got.id, got.url, got.title, got.body) == (
        "1879931", "https://dunia.tempo.co/read/1879931/nato-setujui", "Judul", ["Isi."])


@pytest.mark.parametrize(("text", "expected"), [
    ("Yudono Yanuar", True), ("Ida Rosdalina", True), ("M. Rizki", True), ("Ahmad bin Salman", True),
    ("Sekretaris Jenderal NATO Jens Stoltenberg. REUTERS", False), ("TEMPO/Marifka Wahyu Hidayat", False),
    ("ilustrasi penjara", False), ("Iron Wolf 2017", False), ("TEMPO.CO, Jakarta - Isi", False),
])
def test_looks_like_name(text: str, expected: bool) -> None:
    assert looks_like_name(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Sekretaris Jenderal NATO Jens Stoltenberg. REUTERS", True), ("Xi Jinping. REUTERS/Jason Lee", True),
    ("ilustrasi penjara", True), ("... kelas Ohio. deagel.com", True), ("Pertemuan di Sochi. Vietnam News", True),
    ("Presiden Xi berbicara di Beijing.", False), ("Kata dia kepada TEMPO.", False),
])
def test_looks_like_caption(text: str, expected: bool) -> None:
    assert looks_like_caption(text) is expected


def test_doubled_line_is_the_caption_even_without_credit_or_dateline() -> None:
    """Raw dumps print the caption twice in a row; that beats every heuristic (here: a name-like caption)."""
    text = "\n".join([
        "Judul", "", "Reporter", "", "Editor", "", "Yudono Yanuar", "", "image-gnews", "Joe Biden", "Joe  Biden",
        "Iklan", "", "Paragraf pertama tanpa dateline.", "", "Kedua.",
    ])
    got = read_text(text)
    assert (got.editors, got.image_caption, got.dateline) == (["Yudono Yanuar"], "Joe Biden", None)
    assert got.body == ["Paragraf pertama tanpa dateline.", "Kedua."]


EVIDENCE_PAGES = Path(__file__).resolve().parents[1] / "evidence" / "pages"


def test_a_2026_page_text_gives_its_summary_and_body_apart() -> None:
    """tests/evidence/pages/391369_politik.txt: the "Ringkasan Berita" bullets run straight into the body,
    which opens with a word in capitals and no dateline (docs/site.md §8)."""
    text = (EVIDENCE_PAGES / "391369_politik.txt").read_text("utf-8")
    # line 1 the URL, line 2 the corpus note; the stored text starts below the title: give it one
    got = read_text("\n".join(["Paus Fransiskus Reformasi Gereja Katolik", *text.splitlines()[2:]]))
    assert got.title == "Paus Fransiskus Reformasi Gereja Katolik"
    assert [s[:30] for s in got.summary] == ["Paus Fransiskus akan tiba di J", "Menggantikan Paus Benediktus p",
                                             "Sri Paus juga merangkul kaum L"]
    assert got.body[0].startswith("DI bawah langit-langit Kapel Sistina")
    assert not any("Ringkasan" in p or p.startswith("Paus Fransiskus akan") for p in got.body)


def test_the_print_edition_note_becomes_the_print_title() -> None:
    text = (EVIDENCE_PAGES / "451923_teroka.txt").read_text("utf-8")
    got = read_text("\n".join(text.splitlines()[2:]))
    assert got.print_title == "Menyambut Paus dengan Tangan Terbukanya"
    assert not any("edisi cetak" in p for p in got.body)
