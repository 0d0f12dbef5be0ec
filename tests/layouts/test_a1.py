"""Layout A1 (Tempo desktop ≈2018–2020): detection and parsing, on snippets and on the A1 golden pages."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tempo_crawler.layouts.a1 import A1Parser, author_roles
from tempo_crawler.layouts.base import Page
from tests.support.golden import FIXTURES, goldens
from tests.support.leaks import finalize, forbidden_in

URL = "https://dunia.tempo.co/read/1300001/judul-contoh"
FETCHED = datetime(2020, 5, 1, 3, 0, tzinfo=timezone.utc)
PARSER = A1Parser()


def a1_html(body: str, head: str = "", sub_head: str | None = None, figure: str = "") -> str:
    sub_head = sub_head if sub_head is not None else (
        '<div id="author"><p>reporter: <span>Ayu Contoh</span></p><p>editor: <span>Bima Contoh</span></p></div>'
        '<span id="date">Rabu, 06 Mei 2020 14:05 WIB</span>'
    )
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">{head}</head><body>'
        '<section id="article"><ul class="breadcrumbs"><li><a><span itemprop="name">Home</span></a></li>'
        '<li><a><span itemprop="name">Dunia</span></a></li></ul><article>'
        f'<h1 itemprop="headline">Judul Contoh</h1><div class="sub-head">{sub_head}</div>{figure}'
        f'<div id="isi">{body}</div></article></section></body></html>'
    )


def parse(html: str, url: str = URL):  # noqa: ANN201
    page = Page(url, html, FETCHED)
    assert PARSER.matches(page)
    return finalize(PARSER.parse(page).article)


A2_SNIPPET = (
    '<html><body><article class="detail-artikel"><div class="detail-title"><h1 class="title">Judul</h1>'
    '<div class="block-avatar"><div class="box-avatar"><div class="text-avatar"><p>Reporter</p>'
    '<p class="title bold"><a>Nama</a></p></div></div></div><p class="date">Jumat, 14 Juni 2024 08:00 WIB</p>'
    '</div><div id="isi"><div class="detail-konten"><p>TEMPO.CO, Jakarta - Isi.</p></div></div></article>'
    '</body></html>'
)
B_SNIPPET = (
    '<html><head><script>window.__NUXT__={}</script></head><body><div id="__nuxt"><article>'
    '<h1 itemprop="headline" class="text-[26px]">Judul</h1><span id="date">20 Februari 2025 | 08.16 WIB</span>'
    '<div id="isi"></div><div id="content-wrapper"><p>Paragraf.</p></div></article></div></body></html>'
)


# --- matches -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["115837122", "118820297", "1221983"])
def test_matches_a1_golden_pages(name: str) -> None:
    html = (FIXTURES / "a1" / name / "page.html").read_text("utf-8")
    assert PARSER.matches(Page(URL, html))


def test_matches_minimal_a1() -> None:
    assert PARSER.matches(Page(URL, a1_html("<p>TEMPO.CO, Jakarta - Isi.</p>")))


def test_does_not_match_a2_page() -> None:
    assert not PARSER.matches(Page(URL, A2_SNIPPET))


def test_does_not_match_a2_with_only_block_avatar() -> None:
    html = a1_html("<p>Isi.</p>", sub_head='<div class="block-avatar"><p class="title bold">X</p></div>')
    assert not PARSER.matches(Page(URL, html))


def test_does_not_match_b_page() -> None:
    assert not PARSER.matches(Page("https://www.tempo.co/internasional/judul--1190350", B_SNIPPET))


@pytest.mark.parametrize("name", [g.case for g in goldens() if g.code == "amp"])
def test_does_not_match_amp_pages(name: str) -> None:
    html = (FIXTURES / "amp" / name / "page.html").read_text("utf-8")
    assert not PARSER.matches(Page(URL.replace("/read/", "/amp/"), html))


def test_does_not_match_amp_version_of_a1_markup() -> None:
    html = a1_html("<p>Isi.</p>").replace('<html lang="id">', '<html amp lang="id">')
    assert not PARSER.matches(Page(URL, html))


def test_does_not_match_without_isi() -> None:
    html = a1_html("<p>Isi.</p>").replace('id="isi"', 'id="konten"')
    assert not PARSER.matches(Page(URL, html))


# --- author line ---------------------------------------------------------------------------------------

def test_author_roles_prefixes() -> None:
    assert author_roles("reporter: Ayu Contoh editor: Bima Contoh") == (["Ayu Contoh"], ["Bima Contoh"])


def test_author_roles_several_names_and_case() -> None:
    assert author_roles("Reporter: Ayu Contoh, Citra Contoh Editor: Bima Contoh") == (
        ["Ayu Contoh", "Citra Contoh"], ["Bima Contoh"])


def test_author_roles_editor_only() -> None:
    assert author_roles("editor: Bima Contoh") == ([], ["Bima Contoh"])


# --- parse: DOM only ------------------------------------------------------------------------------------

def test_dom_fields_without_jsonld() -> None:
    a = parse(a1_html("<p>TEMPO.COTeheran - Isi pertama.</p><p>Isi kedua.</p>"))
    assert a.layout == "A1"
    assert a.id == "1300001" and a.url == URL
    assert a.title == "Judul Contoh"
    assert a.reporters == ["Ayu Contoh"] and a.editors == ["Bima Contoh"]
    assert a.published_at == "2020-05-06T14:05:00+07:00"
    assert a.section == "Dunia"
    assert a.dateline == "Teheran"
    assert a.body == ["Isi pertama.", "Isi kedua."]
    assert a.lead is None and a.is_free is True and a.truncated is False
    assert a.crawled_at == "2020-05-01T03:00:00+00:00"


def test_date_and_time_spans_are_joined() -> None:
    sub = '<span id="date">Rabu, 06 Mei 2020</span><span id="time">15:45 WIB</span>'
    assert parse(a1_html("<p>Isi.</p>", sub_head=sub)).published_at == "2020-05-06T15:45:00+07:00"


def test_jsonld_wins_over_dom() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Judul JSON-LD",'
            ' "datePublished": "2020-05-06T09:00:00+07:00", "author": {"@type": "Person", "name": "Dewi Contoh"},'
            ' "keywords": "Iran, Irak"}</script>')
    a = parse(a1_html("<p>Isi.</p>", head=head))
    assert a.title == "Judul JSON-LD"
    assert a.published_at == "2020-05-06T09:00:00+07:00"
    assert a.reporters == ["Dewi Contoh"]
    assert a.tags == ["Iran", "Irak"]


def test_ads_and_chrome_never_in_body() -> None:
    body = ('<p>TEMPO.CO, Jakarta - Satu.</p><div class="parallax-box"><p>Iklan</p><p>Scroll Untuk Melanjutkan</p>'
            '</div><p>Iklan</p><p>Advertising</p><div class="iklan"><p>Teks iklan sponsor.</p></div><p>Dua.</p>')
    a = parse(a1_html(body))
    assert a.body == ["Satu.", "Dua."]
    assert not any(forbidden_in(p) for p in a.body)
    assert "Advertising" not in " ".join(a.body)


def test_baca_label_with_title_lines_gives_one_link_each() -> None:
    body = ('<p>Satu.</p><p><strong>Baca:</strong><br><a href="/read/1/a">Judul A</a><br>'
            '<a href="/read/2/b">Judul B</a></p><p>Dua.</p>')
    a = parse(a1_html(body))
    assert [(x.title, x.url) for x in a.read_also] == [
        ("Judul A", "https://dunia.tempo.co/read/1/a"), ("Judul B", "https://dunia.tempo.co/read/2/b")]
    assert a.body == ["Satu.", "Dua."]


def test_glued_baca_juga() -> None:
    a = parse(a1_html('<p>Satu.</p><p>Baca juga:<a href="/read/3/c">Judul C</a></p>'))
    assert [x.title for x in a.read_also] == ["Judul C"]
    assert a.body == ["Satu."]


def test_repeated_lead_caption_is_not_body() -> None:
    fig = ('<figure><a href="https://statik.tempo.co/x.jpg"><img src="https://statik.tempo.co/x.jpg" alt="Foto. AP">'
           '</a><figcaption>Foto. AP</figcaption></figure>')
    body = ('<p>Satu.</p><p>Foto. AP</p><figure><img src="https://statik.tempo.co/y.jpg"><figcaption>Foto lain.'
            ' REUTERS</figcaption></figure><p>Dua.</p>')
    a = parse(a1_html(body, figure=fig))
    assert a.image_caption == "Foto. AP"
    assert a.image_url == "https://statik.tempo.co/x.jpg"
    assert a.body == ["Satu.", "Dua."]


def test_inline_markup_keeps_punctuation() -> None:
    a = parse(a1_html('<p>Satu, baca <a href="/read/4/d">di sini</a>. Kata <em>Reuters</em>, "ya".</p>'))
    assert a.body == ['Satu, baca di sini. Kata Reuters, "ya".']


def test_editors_pick_and_agency() -> None:
    body = ('<p>Satu.</p><p>Pilihan Editor: <a href="/read/5/e">Judul E</a></p><p>REUTERS</p>')
    a = parse(a1_html(body))
    assert a.editors_pick is not None and a.editors_pick.title == "Judul E"
    assert a.agency == "REUTERS"
    assert a.body == ["Satu."]


def test_old_scheme_url_id() -> None:
    url = "https://m.tempo.co/read/news/2017/01/18/115837122/10-negara-bersedia-memediasi-iran-arab-saudi"
    a = parse(a1_html("<p>Isi.</p>"), url=url)
    assert a.id == "115837122"
    assert a.url == url


@pytest.mark.parametrize("name", ["115837122", "118820297", "1221983"])
def test_golden_pages_have_no_chrome_in_any_text(name: str) -> None:
    a = parse((FIXTURES / "a1" / name / "page.html").read_text("utf-8"))
    texts = [a.title or "", a.image_caption or "", *a.body, *(x.title for x in a.read_also)]
    assert all(not forbidden_in(t) for t in texts)
    assert all(t not in {"Iklan", "Advertising", "image-gnews"} for t in a.body)
