"""Layout A2 (desktop 2021-2024, ``article.detail-artikel``): detection, inserts, chrome, pagination."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tempo_crawler.layouts.a2 import A2Parser
from tempo_crawler.layouts.base import Page
from tests.support.golden import FIXTURES, goldens
from tests.support.leaks import finalize, forbidden_in

PARSER = A2Parser()
FETCHED = datetime(2024, 6, 21, 5, 0, tzinfo=timezone.utc)
URL = "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan-keamanan-dan-pelatihan-baru-untuk-ukraina"
A2_GOLDENS = [g for g in goldens() if g.expected["layout"] == "A2"]
CF_EMAIL = ('<a href="/cdn-cgi/l/email-protection" class="__cf_email__" '
            'data-cfemail="3c4c59515e5d5f5d7c5f53485453521259445d514c5059">[email&#160;protected]</a>')


def a2_page(body: str, *, head: str = "", title_block: str = "", after: str = "", html_attrs: str = 'lang="id"') -> str:
    """A minimal A2 page (docs/site.md §3): breadcrumb kanal, article.detail-artikel, div#isi div.detail-konten."""
    return f"""<!DOCTYPE html>
<html {html_attrs}><head><meta charset="utf-8"><link rel="canonical" href="{URL}">{head}</head><body>
<ul class="sitemap"><li><span itemprop="name">Beranda</span></li><li><span itemprop="name">Dunia</span></li></ul>
<article class="detail-artikel">
  <div class="detail-title"><h1 class="title margin-bottom-sm">Judul Uji</h1>{title_block}
    <p class="date margin-bottom-sm">Jumat, 14 Juni 2024 08:00 WIB</p></div>
  <div class="foto-detail"><figure><img itemprop="image" src="/foto.jpg" alt="Keterangan foto. REUTERS"></figure>
    <figcaption>Keterangan foto. REUTERS</figcaption></div>
  <div class="detail-in" id="isi"><div class="detail-konten" itemprop="articleBody">{body}</div></div>
</article>{after}
</body></html>"""


def parse(html: str, url: str = URL):  # noqa: ANN201
    return PARSER.parse(Page(url, html, FETCHED))


# ---------------------------------------------------------------- matches()

def test_matches_every_a2_golden_page() -> None:
    assert len(A2_GOLDENS) >= 12
    for g in A2_GOLDENS:
        assert PARSER.matches(Page(g.url, g.file.read_text("utf-8"), g.fetched_at)), g.name


def test_matches_minimal_a2_and_the_div_isi_variant() -> None:
    assert PARSER.matches(Page(URL, a2_page("<p>TEMPO.CO, Jakarta - Isi.</p>")))
    # no <article>, but the A2 body container with the A2 byline block
    html = ('<html><body><div class="block-avatar"><div class="text-avatar"><p>Editor</p></div></div>'
            '<div id="isi"><div class="detail-konten"><p>Isi.</p></div></div></body></html>')
    assert PARSER.matches(Page(URL, html))


@pytest.mark.parametrize("attr", ["amp", "\u26a1", 'amp="" lang="id"', 'lang="id" \u26a1'])
def test_does_not_match_amp(attr: str) -> None:
    # AMP pages reuse the desktop class names (docs/site.md §1/§3): the <html amp> flag decides.
    html = a2_page("<p>TEMPO.CO, Jakarta - Isi.</p>", html_attrs=attr)
    assert not PARSER.matches(Page(URL.replace("/read/", "/amp/"), html))


def test_does_not_match_nuxt_b_page() -> None:
    html = """<!DOCTYPE html><html lang="id"><head><title>Contoh | tempo.co</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Contoh"}</script>
<link rel="modulepreload" href="/_nuxt/entry.js"></head><body><div id="__nuxt"><article class="grow space-y-6">
<h1 class="text-[26px] font-bold">Contoh</h1><div id="content-wrapper"><p>Paragraf satu.</p></div>
<div id="content-wrapper"><p>Paragraf dua.</p></div></article></div><script>window.__NUXT__={}</script></body></html>"""
    assert not PARSER.matches(Page("https://www.tempo.co/internasional/contoh--1190350", html))


def test_does_not_match_a1_page() -> None:
    html = """<html><body><div id="article"><h1 itemprop="headline">Judul</h1>
<div id="author">reporter: Seseorang</div><span id="date">Senin, 15 Juli 2019 10:00 WIB</span>
<div id="isi"><p>TEMPO.CO, Teheran - Isi.</p></div></div></body></html>"""
    assert not PARSER.matches(Page("https://dunia.tempo.co/read/1221983/x", html))


def test_does_not_match_other_replica_layouts() -> None:
    others = [p for d in ("a1", "amp", "b") for p in sorted((FIXTURES / d).glob("*/*.html"))]
    for path in others:
        assert not PARSER.matches(Page(URL, path.read_text("utf-8"))), str(path)


# ---------------------------------------------------------------- privacy and chrome

def _all_text(article) -> str:  # noqa: ANN001
    return json.dumps(asdict(article), ensure_ascii=False)


def test_no_email_or_chrome_in_any_golden_field() -> None:
    for g in A2_GOLDENS:
        page_html = g.file.read_text("utf-8")
        art = finalize(PARSER.parse(Page(g.url, page_html, g.fetched_at)).article)
        dumped = _all_text(art)
        assert forbidden_in(dumped) == [], g.name
        assert "pembaca@contoh.example" not in dumped and "cfemail" not in dumped, g.name
    # the fixtures really do carry the modal (so the assertion above is not vacuous)
    htmls = [g.file.read_text("utf-8") for g in A2_GOLDENS]
    assert sum("__cf_email__" in h for h in htmls) >= 2
    assert any("pembaca@contoh.example" in h for h in htmls)


def test_cloudflare_email_inside_body_and_caption_is_dropped() -> None:
    body = (f"<p>TEMPO.CO, Jakarta - Kirim tanggapan ke {CF_EMAIL} paling lambat Jumat.</p>"
            f"<p>{CF_EMAIL}</p><p>Kalimat kedua, surel pembaca@contoh.example tidak boleh keluar.</p>")
    html = a2_page(body).replace("<figcaption>Keterangan foto. REUTERS",
                                 f"<figcaption>Keterangan foto {CF_EMAIL}. REUTERS")
    art = finalize(parse(html).article)
    dumped = _all_text(art)
    assert "protected" not in dumped and "email-protection" not in dumped and "@" not in dumped
    assert art.body[0].startswith("Kirim tanggapan ke") and art.body[0].endswith("paling lambat Jumat.")
    assert len(art.body) == 2
    assert art.image_caption is not None and art.image_caption.startswith("Keterangan foto")


def test_ads_figures_and_bacajuga_are_not_body_text() -> None:
    body = """<p>TEMPO.CO, Jakarta - Paragraf satu.</p>
<div class="iklan"><p>Iklan</p><p>Promo kartu kredit hari ini</p></div>
<div class="parallax-box"><p>Iklan</p><p>Scroll Untuk Melanjutkan</p></div>
<figure class="foto-inline"><img src="/b.jpg">
  <figcaption>Tentara berlatih di pantai. REUTERS/Ann Wang</figcaption></figure>
<div class="bacajuga"><h4 class="title">Baca Juga</h4>
  <a href="https://dunia.tempo.co/read/1645120/judul-lain?utm_source=x">Judul Lain</a></div>
<p>Baca juga: <a href="/read/1645121/judul-ketiga">Judul Ketiga</a></p>
<h2>Subjudul</h2><p>Paragraf dua.</p>
<p>Pilihan Editor: <a href="/read/1879412/pilihan">Pilihan Itu</a></p><p>ANADOLU</p>"""
    art = finalize(parse(a2_page(body)).article)
    assert art.body == ["Paragraf satu.", "Subjudul", "Paragraf dua."]
    assert art.dateline == "Jakarta"
    assert [(x.title, x.url) for x in art.read_also] == [
        ("Judul Lain", "https://dunia.tempo.co/read/1645120/judul-lain"),
        ("Judul Ketiga", "https://dunia.tempo.co/read/1645121/judul-ketiga")]
    assert art.editors_pick is not None and art.editors_pick.title == "Pilihan Itu"
    assert art.editors_pick.url == "https://dunia.tempo.co/read/1879412/pilihan"
    assert art.agency == "ANADOLU"
    assert art.image_caption == "Keterangan foto. REUTERS"


def test_glued_dateline_in_its_own_element() -> None:
    art = finalize(parse(a2_page("<p><strong>TEMPO.CO, Jakarta</strong>100 ribu pasukan dikerahkan.</p>")).article)
    assert art.dateline == "Jakarta"
    assert art.body == ["100 ribu pasukan dikerahkan."]


@pytest.mark.parametrize("first", [
    "<p><strong>TEMPO.CO</strong>, Jakarta - Isi pertama.</p>",
    "<p><b>TEMPO.CO, Jakarta -</b> Isi pertama.</p>",
    "<p><strong>TEMPO.CO, Jakarta</strong>\u201cIsi pertama.</p>",
])
def test_dateline_element_forms(first: str) -> None:
    art = finalize(parse(a2_page(first)).article)
    assert art.dateline == "Jakarta"
    assert art.body[0].endswith("Isi pertama.") and not art.body[0].startswith(("-", ",", "TEMPO"))


def test_body_split_over_several_detail_konten_blocks() -> None:
    html = a2_page("<p>TEMPO.CO, Jakarta - Satu.</p></div><div class=\"parallax-box\"><p>Iklan</p></div>"
                   "<div class=\"detail-konten\"><p>Dua.</p>")
    assert finalize(parse(html).article).body == ["Satu.", "Dua."]


def test_inline_links_do_not_add_spaces() -> None:
    art = finalize(parse(a2_page('<p>TEMPO.CO, Jakarta - Kata <a href="/tag/nato">NATO</a>, Jumat.</p>')).article)
    assert art.body == ["Kata NATO, Jumat."]


# ---------------------------------------------------------------- people, dates, JSON-LD

def test_empty_reporter_label_means_no_reporter_and_dom_names_are_read() -> None:
    block = """<div class="block-avatar"><div class="box-avatar margin-right-sm"><div class="text-avatar">
<p class="title">Reporter</p><p class="title bold"></p></div></div><div class="box-avatar"><div class="text-avatar">
<p class="title">Editor</p><p class="title bold"><a href="/penulis/x">Yudono Yanuar</a></p></div></div></div>"""
    art = finalize(parse(a2_page("<p>Isi.</p>", title_block=block)).article)
    assert art.reporters == [] and art.editors == ["Yudono Yanuar"]
    assert art.published_at == "2024-06-14T08:00:00+07:00"
    assert art.section == "Dunia" and art.layout == "A2" and art.id == "1879931"
    assert art.lead is None and art.is_free is True and art.truncated is False


def test_jsonld_first_dom_for_what_it_lacks() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Judul JSON-LD",
          "datePublished": "2024-06-14T09:12:00+07:00", "dateModified": "2024-06-14T10:00:00+07:00",
          "author": [{"@type": "Person", "name": "Dinda Pramesti"}, {"@type": "Organization", "name": "TEMPO.CO"},
                     {"@type": "Person", "name": "Tempo.co"}],
          "image": {"@type": "ImageObject", "url": "https://statik.tempo.co/a.jpg", "caption": "Lain"},
          "keywords": "NATO, Ukraina"}
    head = ('<script type="application/ld+json">{"@type":"WebSite","url":"https://www.tempo.co/"}</script>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    block = ('<div class="block-avatar"><div class="text-avatar"><h4 class="title">Editor</h4>'
             '<h4 class="title bold">Bagus Hartanto</h4></div></div>')
    art = finalize(parse(a2_page("<p>Isi.</p>", head=head, title_block=block)).article)
    assert art.title == "Judul JSON-LD"
    assert art.published_at == "2024-06-14T09:12:00+07:00" and art.modified_at == "2024-06-14T10:00:00+07:00"
    assert art.reporters == ["Dinda Pramesti"] and art.editors == ["Bagus Hartanto"]
    assert art.image_url == "https://statik.tempo.co/a.jpg"
    assert art.image_caption == "Keterangan foto. REUTERS"  # the visible caption wins over JSON-LD's
    assert art.tags == ["NATO", "Ukraina"]


def test_related_cards_relative_time_and_tracking() -> None:
    href = "https://dunia.tempo.co/read/1882417/a?x&amp;campaign=y_Click_1"
    after = f"""<div class="list-terkait"><div class="card-box ft240">
<div class="card-top"><a href="{href}">Judul A</a><h4 class="date">57 menit lalu</h4></div>
<figure class="img-card"><a href="#"><img src="/a.jpg" alt=""></a></figure>
<article class="text-card"><h3 class="title line3"><a href="{href}">Judul A</a></h3>
<p>Ringkasan A.</p></article></div></div>"""
    art = finalize(parse(a2_page("<p>Isi.</p>", after=after)).article)
    assert len(art.related) == 1
    r = art.related[0]
    assert (r.title, r.url, r.relative_time) == ("Judul A", "https://dunia.tempo.co/read/1882417/a", "57 menit lalu")
    assert r.published_at == "2024-06-21T11:03:00+07:00" and r.image_caption is None and r.summary == "Ringkasan A."


def test_old_item_popular_list_is_cut_and_writer_credit_kept() -> None:
    body = """<p>TEMPO.CO, Jakarta - Isi.</p><p>IRA GUSLINA SUFA</p>
<p><strong>Berita terpopuler lainnya:</strong><br>
<a href="/read/news/2012/11/20/115442802/x">Pacar Sewaan Ada di Jepang</a></p>
<p><a href="/read/news/2012/11/20/115442795/y">Roket dari Mesir Hantam Israel</a></p>"""
    art = finalize(parse(a2_page(body)).article)
    assert art.body == ["Isi."] and art.closing_credit == "IRA GUSLINA SUFA"
    assert art.agency is None   # a writer's name, not an agency


# ---------------------------------------------------------------- multi-page

def _golden(name: str):  # noqa: ANN202
    return next(g for g in A2_GOLDENS if g.name == name)


def test_next_pages_for_the_multi_page_golden() -> None:
    g = _golden("a2/1462680")
    first = PARSER.parse(Page(g.url, g.file.read_text("utf-8"), g.fetched_at))
    assert first.next_pages == list(g.extra_pages)
    assert first.next_pages == [
        "https://dunia.tempo.co/read/1462680/kantor-al-jazeera-di-jalur-gaza-dibom-israel?page_num=2"]
    (p2_url, p2_path), = g.extra_pages.items()
    second = PARSER.parse(Page(p2_url, p2_path.read_text("utf-8"), g.fetched_at))
    assert second.next_pages == []
    assert second.article.url == first.article.url
    full = _golden("a2/1462680-full")
    assert PARSER.parse(Page(full.url, full.file.read_text("utf-8"), full.fetched_at)).next_pages == []


def test_next_pages_cover_every_page_up_to_the_last_link() -> None:
    pag = ('<ul class="pagination"><li class="active"><a href="?page_num=1">1</a></li>'
           f'<li><a href="{URL}?page_num=2">2</a></li><li><a href="{URL}?page_num=4">Terakhir</a></li></ul>')
    html = a2_page("<p>Isi.</p>" + pag)
    want = [f"{URL}?page_num={n}" for n in (2, 3, 4)]
    assert parse(html).next_pages == want
    assert parse(html, URL + "?page_num=1").next_pages == want
    assert parse(html, URL + "?page_num=3").next_pages == []
    assert finalize(parse(html).article).body == ["Isi."]  # pagination labels are not body text


def test_golden_pages_state_they_are_reconstructions() -> None:
    for g in A2_GOLDENS:
        first_line = g.file.read_text("utf-8").split("\n", 1)[0]
        assert first_line.startswith("<!--") and "RECONSTRUCTION" in first_line and "docs/site.md §3" in first_line
        assert "shared/" in first_line, g.name
        for p in g.extra_pages.values():
            assert "RECONSTRUCTION" in Path(p).read_text("utf-8").split("\n", 1)[0]


# ---------------------------------------------------------------- ?page_num=2 of 2024 (docs/site.md §8)

PAGE_NUM_2 = Path(__file__).resolve().parents[1] / "evidence" / "pages" / "1823595_page_num2.txt"
P1823595 = "https://dunia.tempo.co/read/1823595/setelah-saling-serang-pakistan-ingin-bangun-kepercayaan-dengan-iran"


def _page_1823595_texts() -> tuple[str, str, str, list[str]]:
    """Title, editor, caption and body paragraphs of the stored page-2 text (its head repeats page 1's)."""
    lines = [ln.strip() for ln in PAGE_NUM_2.read_text("utf-8").splitlines()]
    title = "Setelah Saling Serang, Pakistan Ingin Bangun Kepercayaan dengan Iran"
    caption = next(ln for ln in lines if ln.startswith("Orang-orang berkumpul"))
    start = lines.index("Menahan Diri")
    body = [ln for ln in lines[start:] if ln and not ln.startswith("[")]
    assert title in lines and "Ida Rosdalina" in lines and lines.count(caption) == 2
    return title, "Ida Rosdalina", caption, body


@pytest.mark.parametrize("head_in_body", [False, True], ids=["head-above", "head-inside-body"])
def test_page_2_repeats_the_head_before_a_subhead(head_in_body: bool) -> None:
    """tests/evidence/pages/1823595_page_num2.txt: page 2 prints title, Editor + name and the caption (twice)
    again, then the subhead "Menahan Diri". Wherever that repeated head sits, the merged item has it once."""
    from tempo_crawler.layouts.base import merge_pages

    title, editor, caption, body = _page_1823595_texts()
    byline = (f'<div class="block-avatar"><div class="box-avatar"><div class="text-avatar"><p>Editor</p>'
              f'<p class="title bold"><a href="#">{editor}</a></p></div></div></div>')
    repeat = f"<p>{title}</p><p>Editor</p><p>{editor}</p><p>{caption}</p><p>{caption}</p>" if head_in_body else ""
    page2 = a2_page(repeat + "<h2>Menahan Diri</h2>" + "".join(f"<p>{p}</p>" for p in body[1:]),
                    title_block=byline).replace("Judul Uji", title).replace("Keterangan foto. REUTERS", caption)
    page1 = a2_page("<p>TEMPO.CO, Jakarta - Paragraf halaman pertama.</p>", title_block=byline).replace(
        "Judul Uji", title).replace("Keterangan foto. REUTERS", caption)
    first = parse(page1, P1823595).article
    second = parse(page2, P1823595 + "?page_num=2").article
    assert second.body[0] == "Menahan Diri" or head_in_body
    merged = finalize(merge_pages(first, [second]))
    assert merged.body == ["Paragraf halaman pertama.", *body]
    assert merged.title == title and merged.editors == [editor] and merged.image_caption == caption
