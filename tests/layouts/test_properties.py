"""Property tests (Hypothesis) over every layout parser and the pipelines: golden pages mutated (text and tags
inserted, cut, duplicated; control characters; huge words; odd URLs) and JSON-LD values of any type. No
exception escapes; each page is "not my layout" (None), or its item passes every pipeline or is dropped with a
counted reason; each example within the profile's deadline (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tempo_crawler.layouts import parse_page
from tempo_crawler.pipelines.validate import problems
from tests.support.chain import through, warm
from tests.support.golden import Golden, goldens
from tests.support.mutate import ARTICLE_KEYS, map_jsonld, set_hrefs

PAGES: list[tuple[Golden, str]] = [(g, g.file.read_text("utf-8")) for g in goldens()]
ODD_URLS = ("http://[::1/read/1879931/x", "http://h:99999/x", "javascript:void(0)", "mailto:a@b.co",
            "https://evil.example/read/1879931/x", "//statik.tempo.co/x.jpg?email=a%40b.co", "")
# What a broken or hostile page may hold: control characters, markup, e-mail forms, chrome, huge words.
TOKENS = ("\x00", "\x01\x0b\x1b", "\x7f\x85", "\ufeff", "\u200b", "&", "&amp;", "&#0;", "&#xd800;", "<", ">",
          '"', "'", "<br>", "<p>", "</p>", "</div>", "<div>", "<!--", "-->", "<script>", "</script>",
          '<div id="isi">', '<article class="detail-artikel">', '<div id="content-wrapper">', '<html amp>',
          '<link rel="canonical" href="http://[::1/read/1/x">', "TEMPO.CO, Jakarta - ", "Baca juga: ",
          "Pilihan Editor: ", "x@gmail.com", "x (at) gmail .com", "Scroll Untuk Melanjutkan", "REUTERS",
          "a" * 60_000, "b." * 30_000, "@" * 5_000, " " * 10_000)
FRAGMENT = st.one_of(st.sampled_from(TOKENS), st.text(max_size=40))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.sampled_from(TOKENS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(ARTICLE_KEYS) | st.text(max_size=8),
                                                                inner, max_size=4),
    max_leaves=8)


@st.composite
def mutated_page(draw: st.DrawFn) -> tuple[Golden, str, str]:
    """A golden page after 1–4 mutations, and the URL it is parsed as."""
    g, html = draw(st.sampled_from(PAGES))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("insert", "cut", "copy", "hrefs")))
        at = draw(st.integers(0, len(html)))
        if op == "insert":
            html = html[:at] + draw(FRAGMENT) + html[at:]
        elif op == "cut":
            html = html[:at] + html[at + draw(st.integers(1, 3000)):]
        elif op == "copy":
            html = html[:at] + html[at:at + draw(st.integers(1, 3000))] * draw(st.integers(2, 20)) + html[at:]
        else:
            html = set_hrefs(html, draw(st.sampled_from(ODD_URLS)))
    url = draw(st.sampled_from((g.url, g.url + "?page_num=2", "http://[::1/read/1879931/x")))
    return g, html, url


def _retyped(values: dict[str, Any]) -> Any:
    def change(data: Any) -> Any:
        if isinstance(data, list):
            return [change(d) for d in data]
        if isinstance(data, dict):
            return {k: (values[k] if k in values else change(v)) for k, v in data.items()}
        return data
    return change


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """One-time costs (dateparser's language data, jsonschema's format checkers) before the deadlines count."""
    warm()
    for g, html in PAGES:
        check(g, html, g.url)


def check(g: Golden, html: str, url: str) -> None:
    parsed = parse_page(url, html, g.fetched_at)   # must not raise
    if parsed is None:
        return                                     # not a known layout: the spider quarantines it
    item, dropped = through(parsed.article)
    assert (item is None) != (dropped is None)
    if item is not None:
        assert problems(item) == []


@settings(max_examples=300)
@given(mutated_page())
def test_mutated_golden_pages(case: tuple[Golden, str, str]) -> None:
    check(*case)


@settings(max_examples=300)
@given(st.sampled_from([p for p in PAGES if "ld+json" in p[1]]),
       st.dictionaries(st.sampled_from(ARTICLE_KEYS), JSON, min_size=1, max_size=6))
def test_mistyped_jsonld(page: tuple[Golden, str], values: dict[str, Any]) -> None:
    g, html = page
    check(g, map_jsonld(html, _retyped(values)), g.url)
