"""The layout registry and what the layouts share: detection order, ready selectors, shell markers, the
text walker and the class test; no layout module leans on another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from parsel import Selector

from tempo_crawler import layouts
from tempo_crawler.layouts import walk
from tempo_crawler.layouts.base import LayoutParser, Page, has_class

LAYOUT_MODULES = {"a1", "a2", "amp", "b", "jsonld_only"}
# The JSON-LD fallback's module is not named by its code: layouts/jsonld.py holds the JSON-LD helpers.
MODULE_OF = {"JSONLD": "jsonld_only"}
HERE = Path(__file__).parent


def test_registry_order_and_item_codes() -> None:
    assert [p.name for p in layouts.PARSERS] == ["AMP", "B", "A2", "A1", "JSONLD"]
    assert [type(p).__name__ for p in layouts.PARSERS] == ["AMPParser", "BParser", "A2Parser", "A1Parser",
                                                           "JSONLDParser"]
    for p in layouts.PARSERS:
        assert type(p).__module__ == f"tempo_crawler.layouts.{MODULE_OF.get(p.name, p.name.lower())}"
        assert isinstance(p, LayoutParser)
    # every layout but the fallback has DOM markers and a ready selector; the fallback comes last
    for p in layouts.PARSERS[:-1]:
        assert p.ready and (p.markers or p.requires)
    assert layouts.PARSERS[-1].name == "JSONLD" and not layouts.PARSERS[-1].ready


def test_tempo_layouts_restricts_detection_and_names_an_unknown_layout() -> None:
    page = Page("https://dunia.tempo.co/read/1221983/x", (HERE / "a1" / "1221983" / "page.html").read_text("utf-8"))
    assert layouts.detect(page).name == "A1"
    assert layouts.detect(page, layouts.enabled(["A2", "AMP", "B"])) is None
    assert layouts.parse_page(page.url, page.html, layouts=frozenset({"B"})) is None
    assert layouts.parse_page(page.url, page.html, layouts=frozenset({"A1"})).article.layout == "A1"
    assert layouts.enabled([]) is None and layouts.enabled([" a1 ", "B"]) == {"A1", "B"}
    with pytest.raises(ValueError, match="TEMPO_LAYOUTS: unknown layout 'C'; known: AMP, B, A2, A1, JSONLD"):
        layouts.enabled(["A1", "C"])


def test_ready_selector_is_the_union_of_the_layouts_selectors() -> None:
    parts = [s.strip() for s in layouts.ready_selector().split(",")]
    assert len(parts) == len(set(parts))
    assert set(parts) == {'#content-wrapper p', '[data-innity-container="article"] p', "article p", "div#isi p",
                          "div.detail-konten p"}
    for p in layouts.PARSERS:
        assert {s.strip() for s in p.ready.split(",") if s.strip()} <= set(parts)


def test_shell_markers_come_from_the_b_layout() -> None:
    shell = layouts.shell_markers()
    assert shell.mounts == ("__nuxt", "__next", "app", "root")
    assert shell.states == ("serverRendered:false", '"serverRendered":false')
    assert shell.stubs == ("window.__NUXT__=",)
    assert [p.name for p in layouts.PARSERS if p.shell] == ["B"]


def test_no_layout_module_imports_another() -> None:
    package = Path(layouts.__file__).parent
    for name in LAYOUT_MODULES:
        tree = ast.parse((package / f"{name}.py").read_text("utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {f"tempo_crawler.layouts.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     and node.module == "tempo_crawler.layouts" for a in node.names}
        others = {f"tempo_crawler.layouts.{m}" for m in LAYOUT_MODULES - {name}}
        assert not imported & others, name


# ---------------------------------------------------------------- walk

def node(html: str, xpath: str = "//body/*[1]") -> Selector:
    return Selector(text=html).xpath(xpath)[0]


def test_walk_concatenates_inline_elements_without_spaces() -> None:
    assert walk.text(node("<p>Klik <a href='/x'>di sini</a>. <b>Te</b><i>bal</i></p>")) == "Klik di sini. Tebal"


def test_walk_br_splits_lines_and_reads_as_a_space() -> None:
    lines = walk.lines(node("<p>Baca: <a href='/a'>Satu</a><br>Dua<br/><a href='/b'>Tiga</a></p>"))
    assert [line.raw for line in lines] == ["Baca: Satu", "Dua", "Tiga"]
    assert [[a.get("href") for a in line.links] for line in lines] == [["/a"], [], ["/b"]]
    assert walk.text(node("<p>Satu<br>Dua</p>")) == "Satu Dua"


def test_walk_skips_scripts_styles_and_email_stubs_but_keeps_their_tails() -> None:
    html = ('<p>A<script>var x = 1;</script>B<style>p{}</style>C <a href="/cdn-cgi/l/email-protection" '
            'class="__cf_email__" data-cfemail="00">[email&#160;protected]</a> D<noscript>n</noscript></p>')
    assert walk.text(node(html)) == "ABC D"
    assert walk.text(node('<p><a class="x __cf_email__">[email&#160;protected]</a></p>', "//a")) == ""


def test_walk_spaced_tags_and_custom_skip() -> None:
    html = "<div><p>Satu</p><p>Dua</p><figure>Foto</figure></div>"
    assert walk.text(node(html)) == "SatuDuaFoto"
    assert walk.text(node(html), spaced=frozenset({"p"})) == "Satu Dua Foto"
    assert walk.text(node(html), skip=lambda e: walk.tag(e) == "figure") == "SatuDua"
    assert walk.text(node(html, "//figure"), skip=lambda e: walk.tag(e) == "figure") == "Foto"  # the node itself


def test_walk_collapses_whitespace_and_decodes_entities() -> None:
    assert walk.text(node("<p>  Satu\n\t&amp;&#160;dua\u200b  </p>")) == "Satu & dua"


def test_has_class_is_a_whole_class_test() -> None:
    sel = Selector(text='<div class=" b  a x">1</div><div class="ab">2</div><div class="a">3</div>')
    assert sel.xpath(f"//div[{has_class('a', 'b')}]/text()").getall() == ["1"]
    assert sel.xpath(f"//div[{has_class('a')}]/text()").getall() == ["1", "3"]
