"""Layout B (Nuxt, www.tempo.co since ≈Nov 2024) parser: detection and field extraction on small pages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tempo_crawler.layouts.b import BParser
from tempo_crawler.layouts.base import Page

PARSER = BParser()
B_URL = "https://www.tempo.co/internasional/contoh-judul-berita--1234567"
FETCHED = datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=7)))
# The third-party B fixture (fictional text; tests/evidence/README.md says where it comes from).
REFERENCE = Path(__file__).resolve().parents[1] / "evidence" / "reference-2026" / "sample-article.html"


def ld(**over: object) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Contoh Judul Berita", "description": "Ringkasan contoh.",
        "image": "https://statik.tempo.co/data/2025/03/01/id_1/1_720.jpg",
        "datePublished": "2025-03-01T08:00:00+07:00", "isAccessibleForFree": True,
        "author": [{"@type": "Person", "name": "Ana Reporter", "url": "https://www.tempo.co/penulis/ana-reporter-11"}],
        "mainEntityOfPage": {"@type": "WebPage", "@id": B_URL},
    }
    data.update(over)
    data = {k: v for k, v in data.items() if v is not None}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CRUMBS = ('<script type="application/ld+json">{"@type":"BreadcrumbList","itemListElement":['
          '{"@type":"ListItem","position":1,"name":"Home","item":"https://tempo.co"},'
          '{"@type":"ListItem","position":2,"name":"Internasional","item":"https://tempo.co/internasional"},'
          '{"@type":"ListItem","position":3,"name":"Asia","item":"https://tempo.co/internasional/asia"}]}</script>')


def wrap(*paras: str) -> str:
    return "\n<div id=\"ads-slot-1\"></div>\n".join(
        f'<div id="content-wrapper" class="max-lg:container xl">{p}</div>' for p in paras)


def b_page(body: str, head: str | None = None, url: str = B_URL) -> Page:
    head = ld() + CRUMBS if head is None else head
    html = (f'<html lang="id"><head><link rel="canonical" href="{B_URL}">{head}</head><body><div id="__nuxt">'
            f'<article class="grow space-y-6 overflow-x-clip z-10">{body}</article></div>'
            '<script>window.__NUXT__={}</script></body></html>')
    return Page(url, html, FETCHED)


def parse(page: Page):  # noqa: ANN201
    assert PARSER.matches(page)
    return PARSER.parse(page).article


# -- matches -----------------------------------------------------------------------------------------

A2_PAGE = """<html><head><meta property="og:url" content="https://dunia.tempo.co/read/1879931/x"></head><body>
<article class="detail-artikel"><div class="detail-title"><h1 class="title margin-bottom-sm">Judul</h1>
<p class="date margin-bottom-sm">Jumat, 14 Juni 2024 08:00 WIB</p></div>
<div class="block-avatar"><p class="title bold">Reporter</p></div>
<div id="isi"><div class="detail-konten"><p>TEMPO.CO, Jakarta - Isi.</p></div></div></article></body></html>"""
A1_PAGE = """<html><body><div id="article"><h1 itemprop="headline">Judul</h1><span id="date">Rabu, 3 Juli 2019
10:00 WIB</span><div id="isi"><p>TEMPO.CO, Jakarta - Isi.</p></div></div></body></html>"""
AMP_PAGE = """<html amp lang="id"><head><script async src="https://cdn.ampproject.org/v0.js"></script>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Judul"}</script></head>
<body><h1 class="title">Judul</h1><div class="detail-in"><p>Isi.</p></div></body></html>"""


@pytest.mark.parametrize("html", [A2_PAGE, A1_PAGE, AMP_PAGE], ids=["A2", "A1", "AMP"])
def test_old_layouts_do_not_match_even_at_a_b_url(html: str) -> None:
    assert not PARSER.matches(Page(B_URL, html, FETCHED))


def test_plain_page_without_markers_does_not_match() -> None:
    assert not PARSER.matches(Page(B_URL, "<html><body><h1>Judul</h1><p>Isi.</p></body></html>", FETCHED))
    # Tailwind classes alone (no article JSON-LD, no Nuxt marker) are not enough.
    assert not PARSER.matches(Page(B_URL, '<html><body><p class="text-neutral-900">x</p></body></html>', FETCHED))


def test_b_page_matches_by_content_at_any_host() -> None:
    page = b_page(wrap("<p>Isi.</p>"), url="https://dunia.tempo.co/read/1/x")
    assert PARSER.matches(page)


@pytest.mark.parametrize("marker", [
    '<div id="content-wrapper"><p>x</p></div>',
    '<div data-innity-container="article"><p>x</p></div>',
    '<script type="module" src="/_nuxt/Dk91Hfa2.js"></script>',
    '<script>window.__NUXT__={}</script>',
])
def test_each_b_marker_alone_matches(marker: str) -> None:
    assert PARSER.matches(Page(B_URL, f"<html><body>{marker}</body></html>", FETCHED))


def test_penulis_author_in_jsonld_matches() -> None:
    assert PARSER.matches(Page(B_URL, f"<html><head>{ld()}</head><body></body></html>", FETCHED))


# -- client-rendered shell ---------------------------------------------------------------------------

SHELL = '<div id="__nuxt"></div><script>window.__NUXT__={}</script>'


def test_client_rendered_shell_matches_and_parses_with_empty_body() -> None:
    page = Page(B_URL, f"<html><head>{ld()}{CRUMBS}</head><body>{SHELL}</body></html>", FETCHED)
    assert PARSER.matches(page)
    a = PARSER.parse(page).article
    assert a.layout == "B" and a.id == "1234567" and a.url == B_URL
    assert a.title == "Contoh Judul Berita" and a.section == "Internasional"
    assert a.body == [] and a.dateline is None and a.tags == []
    assert a.published_at == "2025-03-01T08:00:00+07:00"


def test_bare_shell_without_jsonld_parses_without_crash() -> None:
    page = Page("https://tempo.co/internasional/contoh--990", f"<html><body>{SHELL}</body></html>", FETCHED)
    assert PARSER.matches(page)
    a = PARSER.parse(page).article
    assert a.body == [] and a.title is None and a.id == "990"
    assert a.url == "https://www.tempo.co/internasional/contoh--990"


def test_shell_falls_back_to_jsonld_article_body() -> None:
    body = ("TEMPO.CO, Jakarta - Paragraf &quot;pertama&quot;.\nParagraf kedua.\n"
            "Pilihan Editor: Judul Pilihan")
    page = Page(B_URL, f"<html><head>{ld(articleBody=body)}</head><body>{SHELL}</body></html>", FETCHED)
    a = parse(page)
    assert a.dateline == "Jakarta"
    assert a.body == ['Paragraf "pertama".', "Paragraf kedua."]
    assert a.editors_pick is not None and a.editors_pick.title == "Judul Pilihan"


# -- Tempo+ ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", [False, "False", "false"])
def test_tempo_plus_is_not_free_and_truncated(flag: object) -> None:
    bullets = "".join(f"<p>- {b}</p>" for b in (
        "Akses edisi mingguan dari Tahun 1971", "Akses penuh seluruh artikel Tempo+",
        "Baca dengan lebih sedikit gangguan iklan", "Fitur baca cepat di edisi Mingguan",
        "Anda Mendukung Independensi Jurnalisme Tempo"))
    a = parse(b_page(wrap("<p>Teaser majalah.</p>", bullets), head=ld(isAccessibleForFree=flag)))
    assert a.is_free is False and a.truncated is True
    assert a.body == ["Teaser majalah."]


def test_free_article_is_free_and_complete() -> None:
    a = parse(b_page(wrap("<p>Isi.</p>")))
    assert a.is_free is True and a.truncated is False


# -- authors -----------------------------------------------------------------------------------------

def test_same_person_twice_in_jsonld_is_deduped() -> None:
    twice = [{"@type": "Person", "name": "Ana Reporter", "url": "https://www.tempo.co/penulis/ana-reporter-11"},
             {"@type": "Person", "name": "Ana  Reporter", "url": "https://www.tempo.co/penulis/ana-reporter-11"},
             {"@type": "Person", "name": "Budi Editor", "url": "https://www.tempo.co/penulis/budi-editor-12"}]
    a = parse(b_page(wrap("<p>Isi.</p>"), head=ld(author=twice)))
    assert a.reporters == ["Ana Reporter", "Budi Editor"]
    assert a.editors == []


def test_dom_labels_split_reporter_and_editor() -> None:
    authors = [{"@type": "Person", "name": "Ana Reporter", "url": "https://www.tempo.co/penulis/ana-reporter-11"},
               {"@type": "Person", "name": "Budi Editor", "url": "https://www.tempo.co/penulis/budi-editor-12"}]
    byline = ('<div><span>Penulis</span><a href="/penulis/ana-reporter-11"><img alt=""></a>'
              '<a href="/penulis/ana-reporter-11">Ana Reporter</a></div>'
              '<div><span>Editor</span><a href="/penulis/budi-editor-12">Budi Editor</a></div>')
    a = parse(b_page(byline + wrap("<p>Isi.</p>"), head=ld(author=authors)))
    assert a.reporters == ["Ana Reporter"]
    assert a.editors == ["Budi Editor"]


def test_dom_author_links_when_jsonld_has_none() -> None:
    byline = '<a href="/penulis/ana-11"><img alt=""></a><a href="/penulis/ana-11">Ana Reporter</a>'
    a = parse(b_page(byline + wrap("<p>Isi.</p>"), head=ld(author=None)))
    assert a.reporters == ["Ana Reporter"]


# -- body --------------------------------------------------------------------------------------------

def test_inline_links_add_no_spaces_and_glued_dateline_is_cut() -> None:
    a = parse(b_page(wrap(
        "<p><strong>TEMPO.CO, Jakarta</strong>Presiden <a href='https://www.tempo.co/tag/x'>Putin</a>, kemarin.</p>",
        "<p>Baris satu<br>baris dua.</p>")))
    assert a.dateline == "Jakarta"
    assert a.body == ["Presiden Putin, kemarin.", "Baris satu baris dua."]


def test_body_order_subheads_chrome_outside_and_inside_wrappers() -> None:
    body = (wrap("<p>TEMPO.CO, Jakarta - Satu.</p>", "<h2>1. Subjudul</h2>", "<h3>- Cina</h3>")
            + '<div class="bg-neutral-200 p-3"><p class="text-neutral-900 text-xs">'
              "Scroll ke bawah untuk melanjutkan membaca</p></div>"
            + '<div class="overflow-hidden my-6"><p>Baca berita dengan sedikit iklan, <a href="/x">klik di sini</a></p>'
              "</div>"
            + wrap("<p>slot-iklan-300x100</p>",
                   "<p>Selengkapnya, baca <a href='https://www.tempo.co/a/b-1'>di sini</a>.</p>",
                   "Teks tanpa p."))
    a = parse(b_page(body))
    assert a.body == ["Satu.", "1. Subjudul", "- Cina", "Selengkapnya, baca di sini.", "Teks tanpa p."]


def test_read_also_box_and_inline_read_also() -> None:
    box = ('<div class="p-4 my-4 bg-neutral-400 border border-neutral-600 rounded"><p>Baca juga:</p>'
           '<a href="/internasional/judul-lain-77"><p>Judul Lain</p></a></div>')
    a = parse(b_page(wrap("<p>Satu.</p>") + box
                     + wrap('<p>Baca juga: <a href="https://www.tempo.co/internasional/kedua-78">Kedua</a></p>',
                            "<p>Dua.</p>")))
    assert a.body == ["Satu.", "Dua."]
    assert [(x.title, x.url) for x in a.read_also] == [
        ("Judul Lain", "https://www.tempo.co/internasional/judul-lain-77"),
        ("Kedua", "https://www.tempo.co/internasional/kedua-78"),
    ]


def test_caption_and_editors_pick() -> None:
    body = ('<figure><img src="/x.jpg"><figcaption>Foto  contoh. Tempo/Ana</figcaption></figure>'
            + wrap("<p>Isi.</p>", "<p>Foto contoh. Tempo/Ana</p>",
                   '<p>Pilihan Editor: <a href="https://www.tempo.co/internasional/pilihan-5">Judul Pilihan</a></p>'))
    a = parse(b_page(body))
    assert a.image_caption == "Foto contoh. Tempo/Ana"
    assert a.body == ["Isi."]
    assert a.editors_pick is not None
    assert (a.editors_pick.title, a.editors_pick.url) == ("Judul Pilihan", "https://www.tempo.co/internasional/pilihan-5")


# -- metadata fallbacks ------------------------------------------------------------------------------

def test_fallbacks_without_jsonld() -> None:
    body = ('<div class="flex"><span class="text-sm font-medium text-primary-main">Internasional</span></div>'
            '<h1 class="text-[26px] font-bold leading-[122%] text-neutral-1200">Judul DOM</h1>'
            '<p class="text-neutral-900 text-sm">20 Februari 2025 | 08.16 WIB</p>'
            + wrap('<p>Isi dengan <a href="https://www.tempo.co/tag/gaza">Gaza</a>.</p>')
            + '<div><a href="/tag/gaza"><span class="text-primary-main">gaza</span></a>'
              '<a href="/tag/israel">israel</a></div>')
    a = parse(b_page(body, head='<meta property="og:description" content="Lead og.">'))
    assert a.title == "Judul DOM"
    assert a.section == "Internasional"
    assert a.lead == "Lead og."
    assert a.published_at == "20 Februari 2025 | 08.16 WIB"
    assert a.tags == ["gaza", "israel"]
    assert a.is_free is True


def test_meta_published_time_and_url_rubric_as_last_resort() -> None:
    head = '<meta property="article:published_time" content="6 Januari 2025 | 10.00 WIB"><title>T | tempo.co</title>'
    a = parse(b_page(wrap("<p>Isi.</p>"), head=head))
    assert a.published_at == "6 Januari 2025 | 10.00 WIB"
    assert a.section == "Internasional"
    assert a.title == "T"


def test_breadcrumb_takes_the_rubric_not_the_sub_rubric() -> None:
    assert parse(b_page(wrap("<p>Isi.</p>"))).section == "Internasional"


def test_crawled_at_is_fetch_time_in_utc() -> None:
    assert parse(b_page(wrap("<p>Isi.</p>"))).crawled_at == "2025-03-01T02:30:00+00:00"


# -- the reference-2026 fixture structure ------------------------------------------------------------

REFERENCE_LIKE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Judul Rujukan | tempo.co</title>
<meta property="og:url" content="https://www.tempo.co/ekonomi/judul-rujukan-9000001">
<meta property="og:image" content="https://statik.tempo.co/data/2026/07/24/id_9000001/9000001_720.jpg">
<meta property="article:published_time" content="24 Juli 2026 | 09.00 WIB">
<link rel="canonical" href="https://www.tempo.co/ekonomi/judul-rujukan-9000001">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Judul Rujukan",
"description":"Lead rujukan.","image":"https://statik.tempo.co/data/2026/07/24/id_9000001/9000001_720.jpg",
"datePublished":"2026-07-24T09:00:00+07:00","isAccessibleForFree":true,
"articleBody":"Paragraf satu.\\nParagraf dua.\\nPilihan Editor: Judul Pilihan",
"author":[{"@type":"Person","name":"Penulis Rujukan","url":"https://www.tempo.co/penulis/penulis-rujukan-9001"},
{"@type":"Person","name":"Penulis Rujukan","url":"https://www.tempo.co/penulis/penulis-rujukan-9001"}],
"mainEntityOfPage":{"@type":"WebPage","@id":"https://www.tempo.co/ekonomi/judul-rujukan-9000001"}}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[
{"@type":"ListItem","position":1,"name":"Home","item":"https://tempo.co"},
{"@type":"ListItem","position":2,"name":"Ekonomi","item":"https://tempo.co/ekonomi"},
{"@type":"ListItem","position":3,"name":"Bisnis","item":"https://tempo.co/ekonomi/bisnis"}]}</script>
</head><body><article>
<h1 class="text-[26px] font-bold leading-[122%] text-neutral-1200">Judul Rujukan</h1>
<p class="text-neutral-900 text-sm">24 Juli 2026 | 09.00 WIB</p>
<div><a href="/penulis/penulis-rujukan-9001"><img src="/a.jpg" alt=""></a>
<a href="/penulis/penulis-rujukan-9001">Penulis Rujukan</a></div>
<figure><img src="https://statik.tempo.co/data/2026/07/24/id_9000001/9000001_720.jpg" alt="Judul Rujukan">
<figcaption>Keterangan foto rujukan.</figcaption></figure>
<div id="content-wrapper" class="max-lg:container xl"><p>Paragraf <a href="https://www.tempo.co/tag/satu">satu</a>.</p></div>
<div id="ads-slot-1"></div>
<div class="bg-neutral-200 w-full text-center border-2 border-neutral-300 border-b-0 p-3">
<p class="text-neutral-900 text-xs flex gap-2 justify-center">Scroll ke bawah untuk melanjutkan membaca</p></div>
<div id="content-wrapper" class="max-lg:container xl"><p>&#34;Paragraf dua,&#34; katanya.</p></div>
<div id="content-wrapper" class="max-lg:container xl"><p>Pilihan Editor:
<a href="https://www.tempo.co/ekonomi/judul-pilihan-9000003">Judul Pilihan</a></p></div>
<div class="container lg:w-full lg:mx-0 lg:px-0 gap-4 flex flex-wrap">
<div><a href="/tag/satu" class="bg-primary-surface rounded p-2">
<span class="text-primary-main font-medium">satu</span></a></div>
<div><a href="/tag/dua-tiga" class="bg-primary-surface rounded p-2">
<span class="text-primary-main font-medium">dua-tiga</span></a></div>
</div></article></body></html>"""


def test_reference_fixture_structure() -> None:
    a = parse(Page("https://www.tempo.co/ekonomi/judul-rujukan-9000001?utm_source=x", REFERENCE_LIKE, FETCHED))
    assert a.id == "9000001" and a.url == "https://www.tempo.co/ekonomi/judul-rujukan-9000001"
    assert a.title == "Judul Rujukan" and a.lead == "Lead rujukan." and a.section == "Ekonomi"
    assert a.body == ["Paragraf satu.", '"Paragraf dua," katanya.']
    assert a.editors_pick is not None
    assert (a.editors_pick.title, a.editors_pick.url) == ("Judul Pilihan", "https://www.tempo.co/ekonomi/judul-pilihan-9000003")
    assert a.tags == ["satu", "dua-tiga"]
    assert a.reporters == ["Penulis Rujukan"] and a.editors == []
    assert a.image_caption == "Keterangan foto rujukan."
    assert a.published_at == "2026-07-24T09:00:00+07:00"


def test_third_party_reference_fixture() -> None:
    url = "https://www.tempo.co/ekonomi/contoh-bank-sentral-umumkan-kenaikan-suku-bunga-acuan-9100001"
    a = parse(Page(url, REFERENCE.read_text("utf-8"), FETCHED))
    assert a.title == "Contoh Bank Sentral Umumkan Kenaikan Suku Bunga Acuan"
    assert len(a.body) == 4 and a.body[0].startswith("CONTOH bank sentral")
    assert not any(p.startswith("Pilihan Editor") for p in a.body)
    assert a.editors_pick is not None
    assert a.editors_pick.title == "Contoh Analisis Tempo Plus Soal Arah Kebijakan Moneter"
    assert a.tags == ["suku-bunga-acuan", "bank-sentral", "ekonomi-makro"]
    assert a.reporters == ["Contoh Reporter"]


def test_list_items_in_wrappers_are_body_lines() -> None:
    a = parse(b_page(wrap("<p>Daftarnya:</p>", "<ul><li>Satu</li><li><p>Dua</p></li></ul>")))
    assert a.body == ["Daftarnya:", "Satu", "Dua"]


def test_header_tag_links_outside_the_article_are_ignored() -> None:
    html = ('<html><head>' + ld() + '</head><body><div id="__nuxt"><header><a href="/tag/trending">trending</a>'
            '</header><article>' + wrap("<p>Isi.</p>")
            + '<div><a href="/tag/gaza"><span class="text-primary-main">gaza</span></a></div></article></div>'
            '</body></html>')
    assert parse(Page(B_URL, html, FETCHED)).tags == ["gaza"]


# -- 2025-2026 boilerplate (docs/site.md §8) ---------------------------------------------------------

def test_summary_box_as_a_list_is_kept_apart_from_the_body() -> None:
    box = ('<div class="rounded p-4"><h3>Ringkasan Berita</h3><ul class="list-disc">'
           "<li>PBB menggelar sidang darurat.</li><li>AS dan Iran saling tuduh.</li></ul></div>")
    a = parse(b_page(wrap(box, "<p>TEMPO.CO, Jakarta - Isi berita pertama.</p>", "<p>Kedua.</p>")))
    # bullets that open with capitals ("PBB", "AS") stay bullets: the list marks them
    assert a.summary == ["PBB menggelar sidang darurat.", "AS dan Iran saling tuduh."]
    assert a.body == ["Isi berita pertama.", "Kedua."] and a.dateline == "Jakarta"


def test_unmarked_summary_bullets_end_where_the_body_opens() -> None:
    a = parse(b_page(wrap("<p>Ringkasan Berita</p><p>Poin pertama.</p><p>Poin kedua.</p>",
                          "<p>PRESIDEN Prabowo tiba di Beijing.</p>", "<p>Kedua.</p>")))
    assert a.summary == ["Poin pertama.", "Poin kedua."]
    assert a.body == ["PRESIDEN Prabowo tiba di Beijing.", "Kedua."] and a.dateline is None


def test_print_edition_note_and_placeholder_caption() -> None:
    body = ('<figure><img src="/x.jpg"><figcaption>Image of Tempo</figcaption></figure>'
            + wrap("<p>Isi.</p>", "<p>Di edisi cetak, artikel ini terbit di bawah judul \u201cJudul Cetak\u201d.</p>"))
    a = parse(b_page(body))
    assert a.print_title == "Judul Cetak" and a.body == ["Isi."] and a.image_caption is None


def test_a_2026_json_ld_graph_is_read() -> None:
    graph = json.loads(ld()[len('<script type="application/ld+json">'):-len("</script>")])
    graph.pop("@context")
    head = ('<script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "@id": B_URL}, graph]})
            + "</script>")
    a = parse(b_page(wrap("<p>Isi.</p>"), head=head))
    assert a.title == "Contoh Judul Berita" and a.published_at == "2025-03-01T08:00:00+07:00"
