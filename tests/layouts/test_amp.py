"""Layout AMP (Tempo A-era AMP pages): detection, canonical URL and parsing, on snippets and golden pages."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tempo_crawler.layouts.amp import AMPParser
from tempo_crawler.layouts.base import Page
from tests.support.golden import FIXTURES, goldens
from tests.support.leaks import finalize

AMP_URL = "https://dunia.tempo.co/amp/1800001/judul-contoh"
READ_URL = "https://dunia.tempo.co/read/1800001/judul-contoh"
FETCHED = datetime(2023, 11, 25, 6, 0, tzinfo=timezone.utc)
PARSER = AMPParser()
AMP_GOLDEN = [g.case for g in goldens() if g.code == "amp"]   # case folders are named by article id


def amp_html(body: str = "<p>TEMPO.CO, Jakarta - Isi.</p>", *, marker: str = "amp", canonical: str | None = READ_URL,
             avatars: str | None = None, after: str = "", head: str = "") -> str:
    avatars = avatars if avatars is not None else (
        '<div class="block-avatar"><div class="box-avatar"><div class="text-avatar">'
        '<h4 class="title margin-bottom-ss">Reporter</h4><h4 class="title bold"><a>Gita Contoh</a></h4></div></div>'
        '<div class="box-avatar"><div class="text-avatar"><h4 class="title margin-bottom-ss">Editor</h4>'
        '<h4 class="title bold"><a>Hadi Contoh</a></h4></div></div></div>'
    )
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!doctype html><html {marker} lang="id"><head><meta charset="utf-8">{link}{head}</head><body>'
        '<ul class="sitemap"><li><a><span itemprop="name">Beranda</span></a></li>'
        '<li><a><span itemprop="name">Dunia</span></a></li></ul>'
        '<article class="detail-artikel"><div class="detail-title"><h1 class="title">Judul Contoh</h1>'
        f'{avatars}<h4 class="date">Sabtu, 25 November 2023 09:30 WIB</h4></div>'
        '<div class="foto-detail"><figure><amp-img src="https://statik.tempo.co/a.jpg" width="720" height="405">'
        '</amp-img></figure><figcaption class="foto-caption">Foto. REUTERS</figcaption></div>'
        '<div class="iklan"><p>Advertising</p><amp-ad type="doubleclick"></amp-ad></div>'
        f'<div class="detail-in">{body}</div></article>'
        '<div class="box-tag-detail"><a>Korea Utara</a><a>Kim Jong Un</a></div>'
        f'{after}</body></html>'
    )


def parse(html: str, url: str = AMP_URL):  # noqa: ANN201
    page = Page(url, html, FETCHED)
    assert PARSER.matches(page)
    return finalize(PARSER.parse(page).article)


# --- matches -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("marker", ["amp", "\u26a1", 'amp=""'])
def test_matches_amp_markers(marker: str) -> None:
    assert PARSER.matches(Page(AMP_URL, amp_html(marker=marker)))


@pytest.mark.parametrize("name", AMP_GOLDEN)
def test_matches_golden_pages(name: str) -> None:
    assert PARSER.matches(Page(AMP_URL, (FIXTURES / "amp" / name / "page.html").read_text("utf-8")))


def test_does_not_match_same_markup_without_amp_attribute() -> None:
    """The desktop A2 page has the same class names but no ``<html amp>``."""
    assert not PARSER.matches(Page(READ_URL, amp_html(marker='class="no-js"')))


def test_does_not_match_class_named_amp() -> None:
    assert not PARSER.matches(Page(READ_URL, amp_html(marker='class="amp"')))


def test_does_not_match_a2_desktop_snippet() -> None:
    html = ('<html lang="id"><body><article class="detail-artikel"><div class="detail-title"><h1 class="title">J</h1>'
            '<div class="block-avatar"><p class="title bold">N</p></div><p class="date">Jumat, 14 Juni 2024 08:00 WIB'
            '</p></div><div id="isi"><div class="detail-konten"><p>TEMPO.CO, Jakarta - Isi.</p></div></div>'
            '</article></body></html>')
    assert not PARSER.matches(Page(READ_URL, html))


def test_does_not_match_b_snippet() -> None:
    html = ('<html amp lang="id"><head><script>window.__NUXT__={}</script><link rel="canonical" '
            'href="https://www.tempo.co/internasional/judul--1190350"></head><body><div id="__nuxt">'
            '<div id="content-wrapper"><p>Isi.</p></div><div class="detail-in"></div></div></body></html>')
    assert not PARSER.matches(Page("https://www.tempo.co/internasional/judul--1190350", html))


def test_does_not_match_foreign_amp_page() -> None:
    html = ('<html amp><head><link rel="canonical" href="https://example.org/news/1"></head><body>'
            '<article><h1>Other site</h1><div class="detail-in"><p>Text.</p></div></article></body></html>')
    assert not PARSER.matches(Page("https://example.org/amp/news/1", html))


@pytest.mark.parametrize("name", [g.case for g in goldens() if g.code == "a1"])
def test_does_not_match_a1_pages(name: str) -> None:
    assert not PARSER.matches(Page(READ_URL, (FIXTURES / "a1" / name / "page.html").read_text("utf-8")))


# --- canonical URL -------------------------------------------------------------------------------------

def test_url_is_canonical_desktop_url() -> None:
    a = parse(amp_html())
    assert a.url == READ_URL
    assert a.id == "1800001"


def test_url_from_og_url_when_no_canonical_link() -> None:
    head = f'<meta property="og:url" content="{READ_URL}?utm_source=amp">'
    assert parse(amp_html(canonical=None, head=head)).url == READ_URL


def test_url_falls_back_to_read_form_of_amp_url() -> None:
    assert parse(amp_html(canonical=None)).url == READ_URL


@pytest.mark.parametrize("name", AMP_GOLDEN)
def test_golden_urls_are_read_urls(name: str) -> None:
    aid = name
    a = parse((FIXTURES / "amp" / name / "page.html").read_text("utf-8"), url=f"https://dunia.tempo.co/amp/{aid}/x")
    assert a.url.startswith(f"https://dunia.tempo.co/read/{aid}/")
    assert a.id == aid and a.layout == "AMP"


# --- parse ---------------------------------------------------------------------------------------------

def test_dom_fields() -> None:
    a = parse(amp_html())
    assert a.title == "Judul Contoh"
    assert a.reporters == ["Gita Contoh"] and a.editors == ["Hadi Contoh"]
    assert a.published_at == "2023-11-25T09:30:00+07:00"
    assert a.image_url == "https://statik.tempo.co/a.jpg"
    assert a.image_caption == "Foto. REUTERS"
    assert a.section == "Dunia"
    assert a.tags == ["Korea Utara", "Kim Jong Un"]
    assert a.dateline == "Jakarta" and a.body == ["Isi."]
    assert a.crawled_at == "2023-11-25T06:00:00+00:00"


def test_editor_only_avatar() -> None:
    avatars = ('<div class="block-avatar"><div class="box-avatar"><div class="text-avatar"><h4 class="title">Editor'
               '</h4><h4 class="title bold"><a>Ida Rosdalina</a></h4></div></div></div>')
    a = parse(amp_html(avatars=avatars))
    assert a.reporters == [] and a.editors == ["Ida Rosdalina"]


def test_reporter_label_without_name() -> None:
    avatars = ('<div class="block-avatar"><div class="box-avatar"><div class="text-avatar"><h4 class="title">'
               'Reporter</h4><h4 class="title bold"></h4></div></div></div>')
    a = parse(amp_html(avatars=avatars))
    assert a.reporters == [] and a.editors == []


def test_advertising_never_in_body() -> None:
    body = ('<p>TEMPO.CO, Jakarta - Satu.</p><p>Advertising</p><div class="iklan"><p>Advertising</p>'
            '<p>Promo sponsor</p><amp-ad type="doubleclick"></amp-ad></div><p>Dua.</p>'
            '<amp-ad type="adsense"><div placeholder>Memuat iklan</div></amp-ad><p>Tiga.</p>')
    a = parse(amp_html(body))
    assert a.body == ["Satu.", "Dua.", "Tiga."]


@pytest.mark.parametrize("name", AMP_GOLDEN)
def test_advertising_never_in_golden_bodies(name: str) -> None:
    html = (FIXTURES / "amp" / name / "page.html").read_text("utf-8")
    assert html.count(">Advertising<") == 2
    a = parse(html)
    assert a.body and all("Advertising" not in p for p in a.body)


def test_inline_baca_juga_and_link_outs() -> None:
    body = ('<p>TEMPO.CO, Jakarta - Satu.</p><p>Baca juga: <a href="/read/1700001/x">Judul X</a></p>'
            '<p><strong>Subjudul</strong></p><p>Selanjutnya, baca <a href="/read/1700002/y">di sini</a>.</p>')
    a = parse(amp_html(body))
    assert [(x.title, x.url) for x in a.read_also] == [("Judul X", "https://dunia.tempo.co/read/1700001/x")]
    assert a.body == ["Satu.", "Subjudul", "Selanjutnya, baca di sini."]


def test_read_also_box() -> None:
    body = ('<p>Satu.</p><div class="baca-juga"><h4 class="title">Baca Juga</h4><a href="/read/1700003/z">Judul Z'
            '</a></div><p>Dua.</p>')
    a = parse(amp_html(body))
    assert [x.title for x in a.read_also] == ["Judul Z"]
    assert a.body == ["Satu.", "Dua."]


def test_in_body_figure_caption_is_not_body() -> None:
    body = ('<p>Satu.</p><figure><amp-img src="https://statik.tempo.co/b.jpg"></amp-img><figcaption '
            'class="foto-caption">Tentara latihan. REUTERS/Ann Wang/File Photo</figcaption></figure><p>Dua.</p>')
    a = parse(amp_html(body))
    assert a.body == ["Satu.", "Dua."]
    assert a.image_caption == "Foto. REUTERS"


def test_next_article_teasers_are_ignored() -> None:
    after = ('<article class="detail-artikel berikutnya"><div class="detail-title"><h1 class="title">Lain</h1>'
             '<h4 class="date">Senin, 1 Januari 2024 10:00 WIB</h4></div><div class="detail-in"><p>Teks lain.</p>'
             '</div></article>')
    a = parse(amp_html(after=after))
    assert a.title == "Judul Contoh" and a.body == ["Isi."]
    assert a.published_at == "2023-11-25T09:30:00+07:00"


def test_related_cards() -> None:
    after = ('<div class="card-box"><figure class="img-card"><a href="/read/1800002/r"><amp-img alt="Foto R">'
             '</amp-img></a></figure><article class="text-card"><h3 class="title line3"><a href="/read/1800002/r">'
             'Judul R</a></h3><h4 class="date">2 jam lalu</h4></article></div>')
    a = parse(amp_html(after=after))
    assert len(a.related) == 1
    r = a.related[0]
    assert (r.title, r.url, r.relative_time, r.image_caption) == (
        "Judul R", "https://dunia.tempo.co/read/1800002/r", "2 jam lalu", "Foto R")
    assert r.published_at == "2023-11-25T11:00:00+07:00"
