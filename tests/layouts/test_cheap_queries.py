"""The cheaper forms of the page queries (issue 14) answer exactly what the plain forms answered: each Nuxt
evidence alone still marks a page as the new site, one pass over the ``<meta>`` tags still gives the first
one in document order, the depth pass skipped on small trees cannot miss a deep one, and a B author link's label
asked per link is the one a pass over the whole page found."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from tempo_crawler.layouts import b as b_layout
from tempo_crawler.layouts import xpath as xpath_module
from tempo_crawler.layouts.a1 import A1Parser
from tempo_crawler.layouts.a2 import A2Parser
from tempo_crawler.layouts.amp import AMPParser
from tempo_crawler.layouts.base import Page
from tempo_crawler.layouts.xpath import string
from tempo_crawler.limits import MAX_DEPTH
from tempo_crawler.text.normalize import clean_text
from tests.layouts.test_a2 import URL, a2_page

# Every kind of Nuxt evidence, alone, on an otherwise A2 page; and look-alikes that are no evidence.
NUXT_EVIDENCE = [
    ("", '<div id="content-wrapper"><p>x</p></div>'),
    ("", '<section id="__nuxt"></section>'),
    ('<script id="__NUXT_DATA__" type="application/json">[]</script>', ""),
    ("<script>var a = 1; window.__NUXT__ = {}</script>", ""),
    ('<script type="module" src="https://www.tempo.co/_nuxt/a.js"></script>', ""),
    ('<link rel="modulepreload" href="/_nuxt/entry.js">', ""),
]
NOT_NUXT = [
    ("", '<span id="content-wrapper">x</span>'),           # content-wrapper counts on a div only
    ("", '<div data-id="__nuxt" class="__nuxt"></div>'),   # the id, not another attribute
    ('<script type="application/json">["__NUXT_DATA__"]</script>', ""),
    ('<div id="__NUXT_DATA__"></div>', ""),                # __NUXT_DATA__ counts on a script only
    ("<p>window.__NUXT__ in a paragraph</p>", ""),
    ('<img src="/nuxt/a.png"><a href="/_nuxtx">x</a>', ""),
]


@pytest.mark.parametrize(("head", "body"), NUXT_EVIDENCE)
def test_each_nuxt_evidence_alone_excludes_the_a_era_layouts(head: str, body: str) -> None:
    page = Page(URL, a2_page("<p>TEMPO.CO, Jakarta - Isi.</p>" + body, head=head))
    assert not A2Parser().matches(page)
    assert not A1Parser().matches(page) and not AMPParser().matches(page)


@pytest.mark.parametrize(("head", "body"), NOT_NUXT)
def test_look_alikes_are_no_nuxt_evidence(head: str, body: str) -> None:
    assert A2Parser().matches(Page(URL, a2_page("<p>TEMPO.CO, Jakarta - Isi.</p>" + body, head=head)))


def test_a1_author_marker_needs_the_author_inside_the_article() -> None:
    inside = '<html><body><div id="article"><div><b id="author">x</b></div></div><div id="isi"><p>a</p></div>'
    outside = '<html><body><div id="article"></div><b id="author">x</b><div id="isi"><p>a</p></div>'
    url = "https://dunia.tempo.co/read/1221983/x"
    assert A1Parser().matches(Page(url, inside + "</body></html>"))
    assert not A1Parser().matches(Page(url, outside + "</body></html>"))


def test_meta_is_the_first_in_document_order_by_property_or_name() -> None:
    page = Page(URL, """<html><head>
<meta property="og:title">
<meta name="og:title" content="Kedua">
<meta property="og:title" content="Ketiga">
<meta property="og:image" name="twitter:image" content="/a.jpg">
<meta name="twitter:image" content="/b.jpg">
<meta property="kosong" content=""><meta property="kosong" content="Isi">
</head><body><meta name="description" content=" Di  badan "></body></html>""")
    assert page.meta("og:title") == "Kedua"          # the first without content is no answer
    assert page.meta("og:image") == "/a.jpg"
    assert page.meta("twitter:image") == "/a.jpg"    # name and property on one tag: both keys
    assert page.meta("kosong") is None               # the first one's content is empty
    assert page.meta("description") == "Di badan"    # a meta anywhere, cleaned
    assert page.meta("og:url") is None


def _chain(depth: int) -> str:
    """A document whose deepest element is ``depth`` deep (html, body, then divs) and has ``depth`` elements."""
    return "<html><body>" + "<div>" * (depth - 2) + "x" + "</div>" * (depth - 2) + "</body></html>"


@pytest.mark.parametrize(("depth", "over"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
def test_depth_limit_at_the_boundary_where_elements_equal_depth(depth: int, over: bool) -> None:
    reason = Page(URL, _chain(depth)).over_budget
    assert (reason == f"elements nested deeper than {MAX_DEPTH}") is over
    assert (reason is None) is not over


# B author labels: the nearest non-blank text before each author link, asked per link (preceding axis) rather
# than read off one pass over every text node of the page; both forms must name the same label.
_AUTHOR_BITS = ['<a href="/penulis/ani">Ani</a>', '<a href="https://www.tempo.co/penulis/budi-1"> Budi </a>',
                '<a href="/penulis/kosong"> </a>', "Penulis", "<span>Editor</span>", "<b>Reporter:</b>", "  ", "\n",
                "<p>Teks biasa</p>", "<script>var x = 1;</script>", "<!-- Penulis -->", '<a href="/tag/x">Tag</a>',
                "<br>", "<span> </span>"]


@st.composite
def _author_markup(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(_AUTHOR_BITS), max_size=14))
    wraps = draw(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14), st.sampled_from(["div", "span", "li"])),
                          max_size=3))
    for i, j, tag in wraps:   # wrap a run of the parts in an element
        i, j = sorted((min(i, len(parts)), min(j, len(parts))))
        parts = [*parts[:i], f"<{tag}>", *parts[i:j], f"</{tag}>", *parts[j:]]
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def _labels_in_one_pass(root: object) -> list[str]:
    """The plain form: every non-blank text node and author link in document order; a link's label is the text
    node last seen."""
    found = etree.XPath('//text()[normalize-space()] | //a[contains(@href, "/penulis/")]', smart_strings=False)
    labels, last = [], None
    for node in found(root):
        if isinstance(node, str):
            last = node
        else:
            labels.append(clean_text(last))
    return labels


@given(_author_markup())
@example('<html><body><p>Penulis</p><a href="/penulis/a">A</a><a href="/penulis/b">B</a></body></html>')
@example('<html><body><a href="/penulis/a">A</a></body></html>')
def test_author_labels_per_link_are_the_one_pass_labels(markup: str) -> None:
    root = Page(URL, markup).root
    per_link = [clean_text(string(a, b_layout._TEXT_BEFORE)) for a in b_layout._AUTHOR_LINKS(root)]
    assert per_link == _labels_in_one_pass(root)


@given(st.sampled_from(["", " ", "\n", "\r\n\t", "\xa0", "\u2003", " \x85", "\u3000\n"]),
       st.sampled_from(["", "\n", "  \n", "\xa0", "\n\u2028", "\x0b\x0c"]),
       st.sampled_from(["<html><body><p>Isi é</p></body></html>", "<p>a</p>", "", "\xa0", "é"]))
def test_the_bytes_parsed_are_the_stripped_page(lead: str, trail: str, html: str) -> None:
    # The page is parsed from its encoded bytes with the ends cut where only ASCII whitespace was stripped: the
    # same bytes parsel parses (the text stripped, then encoded).
    page = Page(URL, lead + html + trail)
    captured: list[bytes] = []
    real = etree.fromstring

    def spy(body: bytes, parser: object = None) -> object:
        captured.append(body)
        return real(body, parser=parser)

    with mock.patch.object(xpath_module.etree, "fromstring", spy):
        assert page.root is not None
    assert captured[0] == ((lead + html + trail).strip().encode("utf-8") or b"<html/>")
