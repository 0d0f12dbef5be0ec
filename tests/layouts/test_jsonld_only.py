"""The JSON-LD fallback (layout JSONLD, docs/site.md §5 "JSON-LD fallback"): a page of no known layout with a
complete schema.org article is read from the JSON-LD alone; without one it is no layout at all."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from typing import Any

import pytest

from tempo_crawler.layouts import detect, parse_page
from tempo_crawler.layouts.base import Page
from tempo_crawler.layouts.jsonld import ld_body_lines, ld_complete_article
from tests.support.golden import goldens, parse_golden

CASES = [g for g in goldens() if g.code == "jsonld"]
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL)
SHAPES = {"2100861": dict, "2100854": list, "2100842": "@graph"}


def test_the_three_shapes_have_a_case() -> None:
    assert sorted(g.case for g in CASES) == sorted(SHAPES)
    for g in CASES:
        raw = json.loads(LD_SCRIPT.search(g.file.read_text("utf-8")).group(0).split(">", 1)[1][:-len("</script>")])
        shape = SHAPES[g.case]
        assert ("@graph" in raw) if shape == "@graph" else (isinstance(raw, shape) and "@graph" not in raw)


@pytest.mark.parametrize("golden", CASES, ids=[g.case for g in CASES])
def test_title_date_and_body_are_the_json_ld(golden) -> None:  # noqa: ANN001
    page = Page(golden.url, golden.file.read_text("utf-8"), golden.fetched_at)
    ld = ld_complete_article(page)
    item = parse_golden(golden)
    assert item.layout == "JSONLD"
    assert item.title == ld["headline"] and item.published_at == ld["datePublished"]
    text = html.unescape(re.sub(r"<[^>]+>", " ", ld["articleBody"]))
    words = " ".join(text.split())
    assert item.body and all(p in words for p in item.body)


@pytest.mark.parametrize("golden", CASES, ids=[g.case for g in CASES])
def test_without_json_ld_the_page_is_no_layout(golden) -> None:  # noqa: ANN001
    stripped = LD_SCRIPT.sub("", golden.file.read_text("utf-8"))
    assert detect(Page(golden.url, stripped)) is None
    assert parse_page(golden.url, stripped) is None


@pytest.mark.parametrize("missing", ["headline", "datePublished", "articleBody"])
def test_an_incomplete_article_is_not_read(missing: str) -> None:
    ld = {"@type": "NewsArticle", "headline": "Judul", "datePublished": "2026-04-30T10:00:00+07:00",
          "articleBody": "Isi."}
    ld[missing] = "  "
    page = (f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
            "<body><p>x</p></body></html>")
    assert parse_page("https://dunia.tempo.co/read/1/x", page) is None


def test_other_types_and_broken_blocks_are_ignored() -> None:
    blocks = ['{"@type": "WebPage", "headline": "Bukan", "datePublished": "2026", "articleBody": "x"}', "{broken",
              '{"@type": "Article", "headline": "Ya", "datePublished": "2026-04-30", "articleBody": "Isi ya."}']
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    page = f"<html><head>{scripts}</head></html>"
    parsed = parse_page("https://dunia.tempo.co/read/7/x", page)
    assert parsed.article.title == "Ya" and parsed.article.body == ["Isi ya."] and parsed.article.id == "7"


def test_known_layouts_are_never_read_as_the_fallback() -> None:
    for g in goldens():
        if g.code != "jsonld":
            parser = detect(Page(g.url, g.file.read_text("utf-8")))
            assert parser is not None and parser.name == g.expected["layout"], g.name


def test_body_lines_are_bounded_and_markup_is_read_as_paragraphs() -> None:
    assert ld_body_lines("<p>Satu &amp; dua</p><p>Tiga<br/>empat</p>\n\n<div>Lima</div>") == [
        "Satu & dua", "Tiga empat", "Lima"]
    huge = "kata " * 200_000 + "\n" + "akhir"
    lines = ld_body_lines(huge)
    assert len(lines) == 1 and len(lines[0]) <= 500_000


# ---------------------------------------------------------------- edges found by mutation testing (make mutants)

FETCHED = datetime(2026, 4, 30, 3, 0, tzinfo=timezone.utc)
PAGE_URL = "https://dunia.tempo.co/read/2100900/judul-contoh"


def fallback_page(**ld: Any) -> str:
    base = {"@type": "NewsArticle", "headline": "Judul Contoh", "datePublished": "2026-04-30T10:00:00+07:00",
            "articleBody": "Paragraf satu.\nParagraf dua."}
    return (f'<html><head><script type="application/ld+json">{json.dumps({**base, **ld})}</script></head>'
            "<body><div>Tata letak yang belum dikenal.</div></body></html>")


@pytest.mark.parametrize(("ld", "url"), [
    ({}, PAGE_URL),
    ({"mainEntityOfPage": {"@id": "https://www.tempo.co/internasional/judul-contoh-2100901"}},
     "https://www.tempo.co/internasional/judul-contoh-2100901"),
    ({"mainEntityOfPage": {"url": "https://www.tempo.co/internasional/judul-contoh-2100902"}},
     "https://www.tempo.co/internasional/judul-contoh-2100902"),
    ({"mainEntityOfPage": "https://www.tempo.co/internasional/judul-contoh-2100903"},
     "https://www.tempo.co/internasional/judul-contoh-2100903"),
    ({"url": " https://www.tempo.co/internasional/judul-contoh-2100904 "},
     "https://www.tempo.co/internasional/judul-contoh-2100904"),
    ({"mainEntityOfPage": {"@id": "https://www.tempo.co/internasional/judul-contoh-2100905",
                           "url": "https://www.tempo.co/internasional/judul-contoh-2100906"}},
     "https://www.tempo.co/internasional/judul-contoh-2100905"),            # @id first
    ({"mainEntityOfPage": {"@id": "/relatif"}, "url": "https://www.tempo.co/internasional/judul-contoh-2100907"},
     "https://www.tempo.co/internasional/judul-contoh-2100907"),            # not an absolute URL: the next one
    ({"url": "https://www.tempo.co/tag/gaza"}, PAGE_URL),                  # its own URL names no article
    ({"url": "http://www.tempo.co/internasional/judul-contoh-2100908"},
     "http://www.tempo.co/internasional/judul-contoh-2100908"),
])
def test_the_item_url_is_the_json_ld_own_article_url_else_the_page(ld: dict[str, Any], url: str) -> None:
    parsed = parse_page(PAGE_URL, fallback_page(**ld), FETCHED)
    assert parsed is not None and parsed.article.layout == "JSONLD"
    assert parsed.article.url == url
    assert parsed.article.id == re.search(r"(\d{7})", url).group(1)


def test_nothing_is_read_from_the_dom_and_the_caption_leaves_the_body() -> None:
    caption = "Warga berkumpul di alun-alun. ANTARA"
    parsed = parse_page(PAGE_URL, fallback_page(
        image={"@type": "ImageObject", "url": "https://statik.tempo.co/x.jpg", "caption": caption},
        articleBody=f"Paragraf satu.\n{caption}\nParagraf dua."), FETCHED)
    assert parsed is not None
    assert parsed.dom_body == []      # the canary sees a page read from JSON-LD only
    a = parsed.article
    assert a.body == ["Paragraf satu.", "Paragraf dua."] and a.image_caption == caption
    assert a.crawled_at == "2026-04-30T03:00:00+00:00" and a.related == []


@pytest.mark.parametrize(("section", "read"), [
    ("Dunia", "Dunia"), (["  ", "Dunia"], "Dunia"), ([5, "Dunia"], "Dunia"), ([5, " "], None), ([], None),
    (5, None), ({"name": "Dunia"}, None),
])
def test_the_section_is_the_first_text_of_article_section(section: Any, read: str | None) -> None:
    parsed = parse_page(PAGE_URL, fallback_page(articleSection=section), FETCHED)
    assert parsed is not None and parsed.article.section == read
