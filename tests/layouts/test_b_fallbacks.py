"""Layout B's fallback chains one link at a time, each with a value no other link could give (found by
mutation testing, ``make mutants``: the golden pages and tests/layouts/test_b.py give the same answer along
several links of a chain, so a broken link went unnoticed)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.layouts import parse_page
from tempo_crawler.layouts.b import BParser
from tempo_crawler.layouts.base import Page, merge_pages

URL = "https://www.tempo.co/dunia-lain/contoh-judul-berita-1234567"
FETCHED = datetime(2025, 3, 1, 2, 30, tzinfo=timezone.utc)
PARSER = BParser()


def script(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def page(body: str = "", head: str = "", url: str = URL) -> Page:
    html = (f'<html lang="id"><head>{head}</head><body><div id="__nuxt"><article>{body}'
            '<div id="content-wrapper"><p>Isi.</p></div></article></div></body></html>')
    return Page(url, html, FETCHED)


def parse(p: Page) -> Article:
    assert PARSER.matches(p)
    return PARSER.parse(p).article


@pytest.mark.parametrize("kind", ["NewsArticle", "Article", "ReportageNewsArticle", ["Thing", "Article"]])
def test_every_article_json_ld_type_is_read(kind: object) -> None:
    a = parse(page(head=script({"@type": kind, "headline": "Judul LD", "dateModified": "2025-03-02T09:00:00+07:00"})))
    assert a.title == "Judul LD" and a.modified_at == "2025-03-02T09:00:00+07:00"


@pytest.mark.parametrize(("image", "want"), [
    ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
    ({"@type": "ImageObject", "url": "https://cdn.example/u.jpg", "@id": "https://cdn.example/i.jpg"},
     "https://cdn.example/u.jpg"),
    ({"@id": "https://cdn.example/i.jpg", "contentUrl": "https://cdn.example/c.jpg"}, "https://cdn.example/i.jpg"),
    ({"contentUrl": "https://cdn.example/c.jpg", "name": "n"}, "https://cdn.example/c.jpg"),
    ({"name": "https://cdn.example/n.jpg"}, "https://cdn.example/n.jpg"),
    (["https://cdn.example/first.jpg", "https://cdn.example/second.jpg"], "https://cdn.example/first.jpg"),
    ([{"url": "https://cdn.example/l.jpg"}], "https://cdn.example/l.jpg"),
])
def test_json_ld_image_forms(image: object, want: str) -> None:
    assert parse(page(head=script({"@type": "NewsArticle", "image": image}))).image_url == want


def test_image_falls_back_to_og_image_then_the_figure() -> None:
    og = '<meta property="og:image" content="https://cdn.example/og.jpg">'
    figure = '<figure><img src="/fig.jpg"><figcaption>Foto. Tempo</figcaption></figure>'
    assert parse(page(figure, head=script({"@type": "NewsArticle", "image": []}) + og)).image_url \
        == "https://cdn.example/og.jpg"
    a = parse(page(figure, head=script({"@type": "NewsArticle", "image": 7})))
    assert a.image_url == "https://www.tempo.co/fig.jpg" and a.image_caption == "Foto. Tempo"


def test_modified_time_from_meta_when_json_ld_has_none() -> None:
    meta = '<meta property="article:modified_time" content="2025-03-03T10:00:00+07:00">'
    head = script({"@type": "NewsArticle"}) + meta
    assert parse(page(head=head)).modified_at == "2025-03-03T10:00:00+07:00"


def test_lead_from_meta_description_last() -> None:
    head = script({"@type": "NewsArticle", "description": 5}) + '<meta name="description" content="Lead meta.">'
    assert parse(page(head=head)).lead == "Lead meta."


def test_title_chain_h1_og_title_document_title() -> None:
    ld = script({"@type": "NewsArticle", "headline": ["not a string"]})
    assert parse(page("<h1>Judul <b>H1</b></h1>", head=ld)).title == "Judul H1"
    assert parse(page(head=ld + '<meta property="og:title" content="Judul OG">')).title == "Judul OG"
    assert parse(page(head=ld + "<title>Judul Dokumen | TEMPO.CO</title>")).title == "Judul Dokumen"


def crumbs(*items: object) -> str:
    return script({"@type": "BreadcrumbList", "itemListElement": list(items)})


def test_breadcrumbs_in_position_order_by_name_or_item_name_home_left_out() -> None:
    head = crumbs({"position": 3, "name": "Asia"}, {"position": "2", "item": {"name": "Dunia Lain"}},
                  {"position": 1, "name": "Beranda"}, "not an item")
    assert parse(page(head=head)).section == "Dunia Lain"
    assert parse(page(head=crumbs({"position": 1, "name": "HOME"}, {"position": 2, "name": 7},
                                  {"position": 3, "name": "Asia"}))).section == "Asia"


def test_section_from_the_label_then_the_url() -> None:
    label = '<span class="text-sm font-medium text-primary-main"> Label Rubrik </span>'
    head = crumbs({"position": 1, "name": "Home"})          # only Home: not a section
    assert parse(page(label, head=head)).section == "Label Rubrik"
    assert parse(page('<span class="text-sm text-primary-main">Bukan</span>', head=head)).section == "Dunia Lain"
    assert parse(page(head=head, url="https://www.tempo.co/contoh-1234567")).section is None


def test_tags_pill_widget_text_span_link_text_or_href() -> None:
    pills = ('<div><a href="/tag/satu"><span class="hover:text-primary-main">Satu</span></a>'
             '<a href="/tag/dua">Dua Teks</a><a href="/tag/tiga-empat/"></a></div>')
    assert parse(page(pills)).tags == ["Satu", "Dua Teks", "tiga-empat"]
    box = ('<div id="article-tags"><a href="https://www.tempo.co/tag/lima">Lima</a></div>'
           '<a href="/tag/luar">Luar</a>')
    assert parse(page(box)).tags == ["Lima"]


def test_authors_from_meta_when_nothing_else_names_them() -> None:
    assert parse(page(head='<meta name="author" content="Ayu Meta">')).reporters == ["Ayu Meta"]
    assert parse(page()).reporters == []


def test_author_labels_with_a_colon_and_unlabelled_names_after_a_label() -> None:
    body = ('<p>Penulis: <a href="/penulis/ana-1">Ana</a> <a href="/penulis/budi-2">Budi</a></p>'
            '<p>Editor : <a href="/penulis/citra-3">Citra</a></p><p>Lain</p><a href="/penulis/dedi-4">Dedi</a>')
    a = parse(page(body, head=script({"@type": "NewsArticle", "author": "Ana"})))
    assert (a.reporters, a.editors) == (["Ana", "Budi", "Dedi"], ["Citra"])


def test_tailwind_classes_count_only_with_an_article_json_ld() -> None:
    html = '<html><head>{}</head><body><p class="text-neutral-900">Isi.</p></body></html>'
    for kind in ("NewsArticle", "Article"):
        assert PARSER.matches(Page(URL, html.format(script({"@type": kind})), FETCHED)), kind
    assert not PARSER.matches(Page(URL, html.format(script({"@type": "WebPage"})), FETCHED))


def test_penulis_author_urls_are_evidence_for_each_article_type() -> None:
    for kind in ("NewsArticle", "Article", "ReportageNewsArticle"):
        data = {"@type": kind, "author": [{"name": "Ana", "url": "https://www.tempo.co/penulis/ana-1"}]}
        assert PARSER.matches(Page(URL, f"<html><head>{script(data)}</head><body></body></html>", FETCHED))
    data = {"@type": "NewsArticle", "author": ["Ana", {"name": "Budi", "url": "https://x.example/budi"}]}
    assert not PARSER.matches(Page(URL, f"<html><head>{script(data)}</head><body></body></html>", FETCHED))


def test_nuxt_state_in_a_script_is_evidence() -> None:
    html = "<html><body><script>var a = 1;</script><script>window.__NUXT__ = {x: 1}</script></body></html>"
    assert PARSER.matches(Page(URL, html, FETCHED))


def test_read_also_box_title_from_its_link_or_its_text() -> None:
    box = '<div class="p-4 my-4 bg-neutral-400 border border-neutral-600">{}</div>'
    linked = box.format('<span>Baca juga:</span> <a href="/x-5"><b>Judul</b> Tautan</a> <i>3 jam lalu</i>')
    bare = box.format("<p>BACA JUGA : Judul Tanpa Tautan</p>")
    a = parse(page(linked + bare))
    assert [(x.title, x.url) for x in a.read_also] == [("Judul Tautan", "https://www.tempo.co/x-5"),
                                                       ("Judul Tanpa Tautan", None)]


def test_paragraph_link_text_is_the_first_links() -> None:
    body = ('<div id="content-wrapper"><p>Baca juga: <a href="/a-1"><b>Pertama</b></a> dan <a href="/b-2">Kedua</a>'
            '</p></div>')
    a = parse(page(body))
    assert [(x.title, x.url) for x in a.read_also] == [("Pertama dan Kedua", "https://www.tempo.co/a-1")]


def test_the_json_ld_body_fallback_keeps_inserts_found_in_the_dom() -> None:
    body = "Paragraf satu.\nBaca juga: Dari Teks\nParagraf dua."
    box = ('<div class="p-4 my-4 bg-neutral-400 border border-neutral-600">'
           '<a href="/dom-9">Dari DOM</a></div>')
    html = (f'<html><head>{script({"@type": "NewsArticle", "articleBody": body})}</head><body>'
            f'<div id="__nuxt">{box}<figure><figcaption>Paragraf dua.</figcaption></figure></div></body></html>')
    a = PARSER.parse(Page(URL, html, FETCHED)).article
    assert a.body == ["Paragraf satu."]                       # the caption's repeat is not body
    assert [x.title for x in a.read_also] == ["Dari DOM", "Dari Teks"]


def test_parse_page_passes_the_fetch_time_and_url() -> None:
    html = page().html
    parsed = parse_page(URL, html, FETCHED)
    assert parsed is not None
    assert parsed.article.crawled_at == "2025-03-01T02:30:00+00:00" and parsed.article.id == "1234567"
    assert parse_page(URL, html).article.crawled_at[:4] == str(datetime.now(timezone.utc).year)


def test_merge_takes_closing_parts_from_the_last_page_that_has_them() -> None:
    first = Article(body=["a"], tags=["t1"], editors_pick=Link("p1", "u1"), closing_credit="ANTARA",
                    agency="ANTARA", related=[RelatedArticle(title="r1")])
    middle = Article(body=["b"], tags=["t2"], editors_pick=Link("p2", "u2"), closing_credit="IRA GUSLINA SUFA",
                     related=[RelatedArticle(title="r2")])
    last = Article(body=["c"])
    merged = merge_pages(first, [middle, last])
    assert merged.body == ["a", "b", "c"] and merged.tags == ["t1"]
    # the agency is the last credit's (a writer's name names none), never an earlier page's
    assert (merged.editors_pick, merged.closing_credit, merged.agency) == (Link("p2", "u2"), "IRA GUSLINA SUFA", None)
    assert [r.title for r in merged.related] == ["r2"]
    assert merge_pages(Article(body=["a"]), [Article(body=["b"], tags=["t"])]).tags == ["t"]


def test_a_later_page_that_only_repeats_the_head_adds_no_paragraph() -> None:
    first = Article(title="Judul", body=["a"], image_caption="Foto. ANTARA", editors=["Bima"])
    again = Article(title="Judul", body=["Judul", "Editor", "Bima", "Foto. ANTARA"])
    assert merge_pages(first, [again]).body == ["a"]


def test_breadcrumb_positions_are_numbers_or_numeric_strings() -> None:
    from tempo_crawler.layouts.jsonld import ld_position as _position

    assert [_position(v) for v in (2, " 3 ", "12", True, None, "abc", "1.5", "1234567890", [1])] == \
        [2, 3, 12, 0, 0, 0, 0, 0, 0]
