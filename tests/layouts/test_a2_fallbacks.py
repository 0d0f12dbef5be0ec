"""Layout A2: each link of its fallback chains with a value only that link gives, and the edges of its body
walk and related cards (found by mutation testing, ``make mutants``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tempo_crawler.items import Article
from tempo_crawler.layouts.a2 import A2Parser
from tempo_crawler.layouts.base import Page

URL = "https://dunia.tempo.co/read/1879001/judul-uji"
FETCHED = datetime(2024, 6, 21, 5, 0, tzinfo=timezone.utc)
A2 = A2Parser()


def script(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def a2(inside: str = "", body: str = "<p>TEMPO.CO, Jakarta - Isi.</p>", head: str = "", outside: str = "",
       url: str = URL) -> Article:
    html = (f"<html><head>{head}</head><body>{outside}<article class=\"detail-artikel\">{inside}"
            f'<div id="isi"><div class="detail-konten">{body}</div></div></article></body></html>')
    page = Page(url, html, FETCHED)
    assert A2.matches(page)
    return A2.parse(page).article


def test_section_chain() -> None:
    crumbs = '<ul class="sitemap"><li>Beranda</li><li><a><span itemprop="name">Dunia</span> 2</a></li></ul>'
    assert a2(outside=crumbs).section == "Dunia"
    assert a2(outside='<ul class="sitemap"><li>Beranda</li><li>Kanal</li><li>Asia</li></ul>').section == "Kanal"
    assert a2(outside='<ul class="sitemap"><li>Beranda</li></ul>',
              head=script({"@type": "NewsArticle", "articleSection": ["Dunia LD", "Lain"]})).section == "Dunia LD"
    assert a2(head=script({"@type": "NewsArticle", "articleSection": "Kanal LD"})).section == "Kanal LD"
    assert a2().section is None


def test_title_chain() -> None:
    assert a2('<div class="detail-title"><h1>Judul Detail</h1></div><h1>Lain</h1>').title == "Judul Detail"
    assert a2("<h2>x</h2><h1>Judul Artikel</h1>").title == "Judul Artikel"
    assert a2(outside='<h1 itemprop="headline">Judul Itemprop</h1>').title == "Judul Itemprop"
    assert a2(head='<meta property="og:title" content="Judul OG">').title == "Judul OG"
    assert a2(head=script({"@type": "NewsArticle", "headline": "Judul LD"})).title == "Judul LD"


def test_people_from_avatars_itemprops_and_json_ld() -> None:
    avatars = ('<div class="block-avatar"><div class="text-avatar"><h4 class="title">Penulis</h4>'
               '<h4 class="title bold">Ayu</h4></div><div class="text-avatar"><p>Editor</p>'
               '<p class="title bold">Bima</p></div><div class="text-avatar"><p>Fotografer</p>'
               '<p class="title bold">Citra</p></div></div>')
    a = a2(avatars)
    assert (a.reporters, a.editors) == (["Ayu"], ["Bima"])
    props = ('<span itemprop="author">Dedi</span><span itemprop="editor">Eka</span><span itemprop="author">Iklan</span>'
             '<div class="card-box"><span itemprop="author">Kartu</span></div><meta itemprop="author" content="M">')
    a = a2(props)
    assert (a.reporters, a.editors) == (["Dedi"], ["Eka"])
    a = a2(props, head=script({"@type": "NewsArticle", "author": "Fajar", "editor": {"name": "Gita"}}))
    assert (a.reporters, a.editors) == (["Fajar"], ["Gita"])


def test_date_chain() -> None:
    assert a2('<p class="date">Jumat, 14 Juni 2024 08:00 WIB</p>').published_at == "2024-06-14T08:00:00+07:00"
    assert a2('<time itemprop="datePublished">Sabtu, 15 Juni 2024 09:00 WIB</time>').published_at \
        == "2024-06-15T09:00:00+07:00"
    assert a2('<div class="detail-title"><span class="date">Minggu, 16 Juni 2024 10:00 WIB</span></div>'
              ).published_at == "2024-06-16T10:00:00+07:00"
    assert a2('<meta itemprop="datePublished" content="2024-06-17T11:00:00+07:00">').published_at \
        == "2024-06-17T11:00:00+07:00"
    assert a2('<p class="date">bukan tanggal</p>').published_at == "bukan tanggal"   # kept raw for validation
    assert a2(head='<meta property="article:published_time" content="2024-06-18T12:00:00+07:00">'
                   '<meta property="article:modified_time" content="2024-06-19T12:00:00+07:00">'
              ) .modified_at == "2024-06-19T12:00:00+07:00"


def test_image_and_caption_chain() -> None:
    foto = ('<div class="foto-detail"><figure><img itemprop="image" src="/foto.jpg" alt="Alt."></figure>'
            '<figcaption>Teks <b>foto</b>.</figcaption></div>')
    a = a2(foto)
    assert (a.image_url, a.image_caption) == ("https://dunia.tempo.co/foto.jpg", "Teks foto.")
    a = a2('<div class="foto-detail"><figure><img src="/lain.jpg" alt=" Alt  saja. "></figure></div>')
    assert (a.image_url, a.image_caption) == ("https://dunia.tempo.co/lain.jpg", "Alt saja.")
    a = a2(foto, head='<meta property="og:image" content="https://cdn.example/og.jpg">')
    assert a.image_url == "https://cdn.example/og.jpg"


def test_tags_from_the_tag_box_without_json_ld_keywords() -> None:
    box = '<div class="box-tag-detail"><a>Korea</a><a>Nuklir</a></div>'
    assert a2(outside=box).tags == ["Korea", "Nuklir"]


def test_first_link_skips_mail_script_anchor_and_email_protection_links() -> None:
    body = ('<p>Baca juga: <a href="/cdn-cgi/l/email-protection#3c">x</a><a href="mailto:a@b.co">m</a>'
            '<a href="javascript:void(0)">j</a><a href="#atas">#</a><a href="/read/2/judul-kedua">Judul Kedua</a></p>')
    a = a2(body="<p>TEMPO.CO, Jakarta - Isi.</p>" + body)
    assert [(x.title, x.url) for x in a.read_also] == [("xmj#Judul Kedua", "https://dunia.tempo.co/read/2/judul-kedua")]


def test_baca_box_links_and_bare_labels() -> None:
    box = ('<div class="bacajuga"><a href="/read/3/satu">Baca juga:</a><a href="/read/4/dua">Judul Dua</a>'
           '<a href="/read/5/tiga">BACA</a></div>')
    a = a2(body="<p>TEMPO.CO, Jakarta - Isi.</p>" + box)
    assert [(x.title, x.url) for x in a.read_also] == [("Judul Dua", "https://dunia.tempo.co/read/4/dua")]


def test_related_cards_fields_and_fallback_links() -> None:
    cards = ('<div class="card-box"><figure class="img-card"><img alt="Keterangan kartu."></figure>'
             '<article class="text-card"><h2 class="title"><a href="/read/6/enam">Judul Enam</a></h2>'
             '<h4 class="date">2 jam lalu</h4><p>Ringkasan enam.</p></article></div>'
             '<div class="card-box"><span class="title"><a href="/read/7/tujuh">Judul Tujuh</a></span></div>'
             '<div class="card-box"><a href="/read/8/delapan">Judul Delapan</a><span class="date">1 hari lalu</span>'
             '</div><div class="card-box"><p>tanpa tautan</p></div>')
    related = a2(outside="", body="<p>TEMPO.CO, Jakarta - Isi.</p>").related
    assert related == []
    page_html = (f'<html><body><article class="detail-artikel"><div id="isi"><div class="detail-konten">'
                 f'<p>TEMPO.CO, Jakarta - Isi.</p></div></div></article>{cards}</body></html>')
    r = A2.parse(Page(URL, page_html, FETCHED)).article.related
    assert [(x.title, x.url, x.relative_time, x.image_caption, x.summary) for x in r] == [
        ("Judul Enam", "https://dunia.tempo.co/read/6/enam", "2 jam lalu", "Keterangan kartu.", "Ringkasan enam."),
        ("Judul Tujuh", "https://dunia.tempo.co/read/7/tujuh", None, None, None),
        ("Judul Delapan", "https://dunia.tempo.co/read/8/delapan", "1 hari lalu", None, None),
    ]
    assert r[0].published_at == "2024-06-21T10:00:00+07:00"


def test_next_pages_only_from_page_one_and_only_this_articles_links() -> None:
    body = ('<p>TEMPO.CO, Jakarta - Isi.</p><div class="paging"><a href="?page_num=2">2</a>'
            '<a href="/read/1879001/judul-uji?page_num=3">3</a><a href="/read/1879999/lain?page_num=9">9</a>'
            '<a href="?page_num=x">x</a></div>')
    html = (f'<html><body><article class="detail-artikel"><div id="isi"><div class="detail-konten">{body}'
            "</div></div></article></body></html>")
    assert A2.parse(Page(URL, html, FETCHED)).next_pages == [f"{URL}?page_num=2", f"{URL}?page_num=3"]
    assert A2.parse(Page(URL + "?page_num=1", html, FETCHED)).next_pages == [f"{URL}?page_num=2",
                                                                            f"{URL}?page_num=3"]
    assert A2.parse(Page(URL + "?page_num=2", html, FETCHED)).next_pages == []


def test_a_glued_dateline_element_is_marked_and_separated() -> None:
    a = a2(body="<p><strong>TEMPO.CO, Jakarta</strong>\u201cKami siap,\u201d katanya.</p><p>Kedua.</p>")
    assert (a.dateline, a.dateline_glued, a.body) == ("Jakarta", True, ["\u201cKami siap,\u201d katanya.", "Kedua."])
    a = a2(body="<p><strong>TEMPO.CO, Jakarta</strong> - Kami siap.</p>")
    assert (a.dateline, a.dateline_glued, a.body) == ("Jakarta", False, ["Kami siap."])
    a = a2(body="<p>Pembuka.</p><p><strong>TEMPO.CO, Jakarta</strong>Kedua.</p>")
    assert a.dateline is None and a.body == ["Pembuka.", "TEMPO.CO, JakartaKedua."]
