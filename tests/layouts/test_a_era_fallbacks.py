"""Layouts A1 and AMP: each link of their fallback chains with a value only that link gives (found by mutation
testing, ``make mutants``: the golden pages answer most fields from JSON-LD, so the DOM links after it were
never the ones read)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tempo_crawler.items import Article
from tempo_crawler.layouts.a1 import A1Parser, author_roles
from tempo_crawler.layouts.amp import AMPParser
from tempo_crawler.layouts.base import Page

A1_URL = "https://dunia.tempo.co/read/1300001/judul-contoh"
AMP_URL = "https://dunia.tempo.co/amp/1800001/judul-contoh"
FETCHED = datetime(2020, 5, 1, 3, 0, tzinfo=timezone.utc)
A1, AMP = A1Parser(), AMPParser()


def script(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def a1(inner: str, head: str = "", outside: str = "") -> Article:
    html = (f'<html><head>{head}</head><body>{outside}<section id="article">{inner}'
            '<div id="isi"><p>TEMPO.CO, Jakarta - Isi.</p></div></section></body></html>')
    page = Page(A1_URL, html, FETCHED)
    assert A1.matches(page)
    return A1.parse(page).article


MARK = '<span id="date"></span>'   # an A1 marker that gives nothing


def test_a1_title_chain() -> None:
    assert a1(MARK + '<h1 itemprop="headline">Judul Itemprop</h1><h1>Lain</h1>').title == "Judul Itemprop"
    assert a1(MARK + "<h1>Judul H1</h1>").title == "Judul H1"
    assert a1(MARK + '<div class="headline">Judul Kelas</div>').title == "Judul Kelas"
    assert a1(MARK, head='<meta property="og:title" content="Judul OG">').title == "Judul OG"


def test_a1_people_from_the_author_box_then_itemprops() -> None:
    box = '<div id="author">reporter: Ayu Contoh, Bima Contoh editor: Citra Contoh</div>'
    a = a1(MARK + box)
    assert (a.reporters, a.editors) == (["Ayu Contoh", "Bima Contoh"], ["Citra Contoh"])
    a = a1(MARK, outside='<div id="author">reporter: Dedi Luar</div>')   # outside #article too
    assert a.reporters == ["Dedi Luar"]
    props = '<span itemprop="author"> Eka  Prop </span><span itemprop="editor">Fajar Prop</span>'
    a = a1(MARK + props)
    assert (a.reporters, a.editors) == (["Eka Prop"], ["Fajar Prop"])


def test_a1_author_roles_split() -> None:
    assert author_roles("reporter: Ana | editor: Budi - ") == (["Ana"], ["Budi"])
    assert author_roles("penulis: Ana dan Citra; Dedi editor: Budi") == (["Ana", "Citra", "Dedi"], ["Budi"])
    assert author_roles("editor: Budi reporter: Ana") == (["Ana"], ["Budi"])
    assert author_roles(None) == ([], [])


def test_a1_date_chain() -> None:
    assert a1('<span id="date">Rabu, 06 Mei 2020</span><span id="time">14:05 WIB</span>').published_at \
        == "Rabu, 06 Mei 2020 14:05 WIB"
    assert a1('<span id="date">Rabu, 06 Mei 2020 14:05 WIB</span><span id="time">14:05 WIB</span>').published_at \
        == "Rabu, 06 Mei 2020 14:05 WIB"
    assert a1(MARK + '<time itemprop="datePublished">Kamis, 07 Mei 2020</time>').published_at == "Kamis, 07 Mei 2020"
    assert a1(MARK + '<div class="sub-head"><p class="date">Jumat, 08 Mei 2020</p></div>').published_at \
        == "Jumat, 08 Mei 2020"
    assert a1(MARK, head='<meta property="article:published_time" content="2020-05-09T10:00:00+07:00">'
              ).published_at == "2020-05-09T10:00:00+07:00"


def test_a1_modified_from_json_ld_or_meta() -> None:
    assert a1(MARK, head=script({"@type": "NewsArticle", "dateModified": "2020-05-10T10:00:00+07:00"})
              ).modified_at == "2020-05-10T10:00:00+07:00"
    assert a1(MARK, head='<meta property="article:modified_time" content="2020-05-11T10:00:00+07:00">'
              ).modified_at == "2020-05-11T10:00:00+07:00"


def test_a1_image_and_caption_chains() -> None:
    fig = ('<figure><a href="/besar.jpg"><img src="/kecil.jpg" alt="Alt foto."></a>'
           "<figcaption>Teks foto.</figcaption></figure>")
    a = a1(MARK + fig)
    assert (a.image_url, a.image_caption) == ("https://dunia.tempo.co/besar.jpg", "Teks foto.")
    a = a1(MARK + '<figure><img src="/kecil.jpg" alt=" Alt  foto. "></figure>')
    assert (a.image_url, a.image_caption) == ("https://dunia.tempo.co/kecil.jpg", "Alt foto.")
    a = a1(MARK, head='<meta property="og:image" content="https://cdn.example/og.jpg">')
    assert (a.image_url, a.image_caption) == ("https://cdn.example/og.jpg", None)
    ld = script({"@type": "NewsArticle", "image": {"url": "https://cdn.example/ld.jpg", "caption": "Teks LD."}})
    a = a1(MARK + fig, head=ld)
    assert (a.image_url, a.image_caption) == ("https://cdn.example/ld.jpg", "Teks LD.")


def test_a1_section_and_tags() -> None:
    crumbs = '<ul class="breadcrumbs"><li>Home</li><li>Dunia</li><li>Asia</li></ul>'
    assert a1(MARK + crumbs).section == "Dunia"
    assert a1(MARK + '<span itemprop="name">Home</span><span itemprop="name"> Internasional </span>').section \
        == "Internasional"
    assert a1(MARK, head=script({"@type": "NewsArticle", "articleSection": "Dunia LD"})).section == "Dunia LD"
    tags = '<ul class="tags"><li><a>Korea</a></li><li><a>Nuklir</a></li><li><a>korea</a></li></ul>'
    assert a1(MARK + tags).tags == ["Korea", "Nuklir"]
    assert a1(MARK + tags, head=script({"@type": "NewsArticle", "keywords": "satu, dua"})).tags == ["satu", "dua"]


def amp(article: str, head: str = "", after: str = "", canonical: bool = True) -> Article:
    link = '<link rel="canonical" href="https://dunia.tempo.co/read/1800001/judul-contoh">' if canonical else ""
    html = (f'<!doctype html><html amp lang="id"><head>{link}{head}</head><body>'
            f'<article class="detail-artikel">{article}<div class="detail-in"><p>TEMPO.CO, Jakarta - Isi.</p></div>'
            f"</article>{after}</body></html>")
    page = Page(AMP_URL, html, FETCHED)
    assert AMP.matches(page)
    return AMP.parse(page).article


def test_amp_is_tempo_by_canonical_og_url_site_name_or_dateline() -> None:
    body = '<div class="detail-in"><p>Isi.</p></div>'
    html = '<html amp><head>{}</head><body>' + body + '</body></html>'
    for head in ('<link rel="canonical" href="https://dunia.tempo.co/read/1/x">',
                 '<meta property="og:url" content="https://dunia.TEMPO.co/read/1/x">',
                 '<meta property="og:site_name" content="TEMPO.CO">'):
        assert AMP.matches(Page(AMP_URL, html.format(head), FETCHED)), head
    assert not AMP.matches(Page(AMP_URL, html.format('<meta property="og:site_name" content="Lain">'), FETCHED))
    dated = '<html amp><body><div class="detail-in"><p> TEMPO.CO, Jakarta - Isi.</p></div></body></html>'
    assert AMP.matches(Page(AMP_URL, dated, FETCHED))


def test_amp_avatars_with_labels_or_by_position() -> None:
    labelled = ('<div class="text-avatar"><p>Editor</p><h4 class="bold">Bima</h4></div>'
                '<div class="text-avatar"><p>Reporter</p><h4 class="bold">Ayu</h4></div>')
    a = amp(labelled)
    assert (a.reporters, a.editors) == (["Ayu"], ["Bima"])
    bare = ('<div class="text-avatar"><h4 class="bold">Ayu</h4></div>'
            '<div class="text-avatar"><h4 class="bold">Bima</h4></div>'
            '<div class="text-avatar"><h4 class="bold">Citra</h4></div>')
    a = amp(bare)
    assert (a.reporters, a.editors) == (["Ayu", "Citra"], ["Bima"])
    props = '<span itemprop="author">Dedi</span><span itemprop="editor">Eka</span>'
    a = amp(props)
    assert (a.reporters, a.editors) == (["Dedi"], ["Eka"])


def test_amp_title_date_modified_chains() -> None:
    a = amp('<h1 class="title">Judul AMP</h1><h4 class="date">Sabtu, 25 November 2023 09:30 WIB</h4>',
            head='<meta property="article:modified_time" content="2023-11-26T10:00:00+07:00">')
    assert (a.title, a.published_at, a.modified_at) == (
        "Judul AMP", "Sabtu, 25 November 2023 09:30 WIB", "2023-11-26T10:00:00+07:00")
    a = amp('<h1>Judul H1</h1><p class="date">Minggu, 26 November 2023</p>',
            head=script({"@type": "NewsArticle", "dateModified": "2023-11-27T10:00:00+07:00"}))
    assert (a.title, a.published_at, a.modified_at) == ("Judul H1", "Minggu, 26 November 2023",
                                                        "2023-11-27T10:00:00+07:00")
    a = amp('<div class="detail-title"><span class="date">Senin, 27 November 2023</span></div>',
            head='<meta property="og:title" content="Judul OG">'
                 '<meta property="article:published_time" content="2023-11-27T08:00:00+07:00">')
    assert (a.title, a.published_at) == ("Judul OG", "2023-11-27T08:00:00+07:00")


def test_amp_image_caption_section_tags() -> None:
    photo = ('<div class="foto-detail"><amp-img src="/amp.jpg" alt="Alt AMP."></amp-img>'
             '<figcaption class="foto-caption">Teks AMP.</figcaption></div>')
    a = amp(photo, after='<ul class="sitemap"><li>Beranda</li><li><span itemprop="name">Dunia</span></li></ul>'
                         '<div class="box-tag-detail"><a>Satu</a><a>Dua</a></div>')
    assert (a.image_url, a.image_caption) == ("https://dunia.tempo.co/amp.jpg", "Teks AMP.")
    assert (a.section, a.tags) == ("Dunia", ["Satu", "Dua"])
    a = amp('<figure><img src="/fig.jpg" alt="Alt figur."></figure>',
            after='<ul class="sitemap"><li>Beranda</li><li>Kanal</li></ul>')
    assert (a.image_url, a.image_caption, a.section) == ("https://dunia.tempo.co/fig.jpg", "Alt figur.", "Kanal")
    a = amp("", head='<meta property="og:image" content="https://cdn.example/og.jpg">'
                     + script({"@type": "NewsArticle", "articleSection": "Dunia LD"}))
    assert (a.image_url, a.image_caption, a.section, a.tags) == ("https://cdn.example/og.jpg", None, "Dunia LD", [])


def test_a1_reads_inside_the_article_section_first() -> None:
    outside = ('<h1>Judul Situs</h1><div id="author">reporter: Luar</div><figure><img src="/luar.jpg"></figure>'
               '<ul class="tags"><li><a>luar</a></li></ul>')
    inside = ('<h1>Judul Artikel</h1><span id="date">Rabu, 06 Mei 2020</span><div id="author">reporter: Dalam</div>'
              '<figure><img src="/dalam.jpg"><figcaption>Teks dalam.</figcaption></figure>'
              '<ul class="tags"><li><a>dalam</a></li></ul>')
    a = a1(inside, outside=outside)
    assert (a.title, a.reporters, a.image_url, a.image_caption, a.tags) == (
        "Judul Artikel", ["Dalam"], "https://dunia.tempo.co/dalam.jpg", "Teks dalam.", ["dalam"])


def test_a1_json_ld_people_and_the_fields_every_item_has() -> None:
    ld = script({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Ayu LD"}, "editor": "Bima LD"})
    a = a1(MARK + '<div id="author">reporter: Lain editor: Lain</div>', head=ld)
    assert (a.reporters, a.editors) == (["Ayu LD"], ["Bima LD"])
    assert (a.id, a.url, a.layout, a.lead, a.is_free, a.truncated) == (
        "1300001", A1_URL, "A1", None, True, False)
    assert a.crawled_at == "2020-05-01T03:00:00+00:00" and a.body == ["Isi."] and a.dateline == "Jakarta"


def test_a1_related_cards_are_read() -> None:
    cards = ('<div class="card-box"><article class="text-card"><h3 class="title"><a href="/read/2/dua">Dua</a></h3>'
             '<h4 class="date">3 jam lalu</h4></article></div>')
    a = a1(MARK, outside=cards)
    assert [(r.title, r.url, r.relative_time, r.published_at) for r in a.related] == [
        ("Dua", "https://dunia.tempo.co/read/2/dua", "3 jam lalu", "2020-05-01T07:00:00+07:00")]


def test_amp_reads_the_main_article_not_the_next_ones() -> None:
    teaser = ('<article class="detail-artikel berikutnya"><h1 class="title">Berikutnya</h1>'
              '<div class="card-box"><h3 class="title"><a href="/read/9/x">Di dalam</a></h3></div></article>'
              '<div class="card-box"><h3 class="title"><a href="/read/8/y">Di luar</a></h3></div>')
    own = '<div class="card-box"><h3 class="title"><a href="/read/7/z">Di artikel utama</a></h3></div>'
    a = amp('<h1 class="title">Judul Utama</h1>' + own, after=teaser)
    assert a.title == "Judul Utama" and [r.title for r in a.related] == ["Di dalam", "Di luar"]
    ld = script({"@type": "NewsArticle", "headline": "Judul LD", "author": "Ayu LD", "editor": "Bima LD",
                 "datePublished": "2023-11-25T09:30:00+07:00"})
    a = amp('<div class="text-avatar"><h4 class="bold">Lain</h4></div>', head=ld)
    assert (a.title, a.reporters, a.editors, a.published_at) == ("Judul LD", ["Ayu LD"], ["Bima LD"],
                                                                 "2023-11-25T09:30:00+07:00")
    assert (a.id, a.layout, a.lead, a.is_free, a.truncated) == ("1800001", "AMP", None, True, False)


def test_amp_without_canonical_names_the_read_url_and_reads_an_articlebody_div() -> None:
    html = ('<!doctype html><html amp><head><meta property="og:site_name" content="Tempo"></head><body>'
            '<figure><figcaption class="foto-caption">Foto. ANTARA</figcaption></figure>'
            '<div itemprop="articleBody"><p>TEMPO.CO, Jakarta - Isi lain.</p></div>'
            '<div class="card-box"><h3 class="title"><a href="/read/8/y">Kartu</a></h3></div></body></html>')
    page = Page("https://dunia.tempo.co/amp/1800002/amp-judul/amp", html, FETCHED)
    assert AMP.matches(page)
    a = AMP.parse(page).article
    assert a.url == "https://dunia.tempo.co/read/1800002/amp-judul/amp" and a.id == "1800002"
    assert a.body == ["Isi lain."] and a.dateline == "Jakarta"
    assert [r.title for r in a.related] == ["Kartu"]     # no main article box: every card is related
    # only the first /amp/ becomes /read/
    page = Page("https://dunia.tempo.co/amp/1800003/amp/", html, FETCHED)
    assert AMP.parse(page).article.url.startswith("https://dunia.tempo.co/read/1800003/amp")
    no_body = html.replace('itemprop="articleBody"', 'class="lain"')
    assert AMP.parse(Page("https://dunia.tempo.co/amp/1800002/x", no_body, FETCHED)).article.body == []


def test_a1_title_prefers_the_headline_h1_and_tags_skip_empty_links() -> None:
    assert a1(MARK + '<h1>Rubrik</h1><h1 itemprop="headline">Judul Itemprop</h1>').title == "Judul Itemprop"
    assert a1(MARK + '<ul class="tags"><li><a></a></li><li><a>Korea</a></li></ul>').tags == ["Korea"]


def test_a1_author_roles_of_three_marks_and_names_kept_whole() -> None:
    assert author_roles("reporter: Ana editor: Budi penulis: Citra") == (["Ana", "Citra"], ["Budi"])
    assert author_roles("reporter: Xavier Contoh - editor: Budi X") == (["Xavier Contoh"], ["Budi X"])


def test_amp_an_empty_label_counts_as_no_label() -> None:
    boxes = ('<div class="text-avatar"><p>Reporter</p><h4 class="bold">Ayu</h4></div>'
             '<div class="text-avatar"><p></p><h4 class="bold">Bima</h4></div>')
    a = amp(boxes)
    assert (a.reporters, a.editors) == (["Ayu"], ["Bima"])


def test_amp_title_date_caption_section_tag_chains_past_their_first_link() -> None:
    a = amp('<h1>Rubrik</h1><h1 class="title">Judul Utama</h1>'
            '<div class="detail-title"><span class="date">Jumat, 14 Juni 2024 08:00 WIB</span></div>'
            '<div class="foto-detail"><amp-img src="https://statik.tempo.co/x.jpg"></amp-img>'
            '<figcaption>Keterangan lain.</figcaption><figcaption class="foto-caption">Warga antre. ANTARA</figcaption>'
            '</div><div class="detail-in"><p>Warga antre. ANTARA</p></div>',
            after='<ul class="sitemap"><li>Home</li><li><span itemprop="name">Dunia</span> &#8250;</li></ul>'
                  '<div class="box-tag-detail"><a></a><a>Gaza</a></div>')
    assert (a.title, a.published_at) == ("Judul Utama", "Jumat, 14 Juni 2024 08:00 WIB")
    assert a.image_caption == "Warga antre. ANTARA" and a.body == []   # the caption repeated: not body
    assert (a.section, a.tags) == ("Dunia", ["Gaza"])
    plain = amp('<div class="foto-detail"><figcaption>Keterangan polos. REUTERS</figcaption></div>')
    assert plain.image_caption == "Keterangan polos. REUTERS"


def test_amp_json_ld_people_are_not_mixed_with_avatars() -> None:
    ld = script({"@type": "NewsArticle", "author": "Ayu LD"})
    a = amp('<div class="text-avatar"><p>Editor</p><h4 class="bold">Bima</h4></div>', head=ld)
    assert (a.reporters, a.editors) == (["Ayu LD"], [])
