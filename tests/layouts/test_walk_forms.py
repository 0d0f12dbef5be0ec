"""The two forms of the text walker agree: :func:`walk.raw_text` (one list of parts, the form most text goes
through) is :func:`walk.lines` joined with a space, on any tree of inline, block, skipped and ``<br>``
elements, comments and processing instructions included (issue 14 made ``raw_text`` its own walk)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tempo_crawler.layouts import walk
from tempo_crawler.layouts.xpath import html_root

PIECES = ("<b>", "</b>", "<a href='/x'>", "</a>", "<br>", "<br/>", "<p>", "</p>", "<div>", "</div>",
          "<script>s</script>", "<style>x{}</style>", "<span class='__cf_email__'>e</span>", "<!-- c -->",
          "<?pi x?>", "<li>", "</li>", "<figure>f</figure>", " ", "\n", "kata", "dua kata", "&amp;")


def _skip_figures(el: object) -> bool:
    return walk.never_text(el) or walk.tag(el) == "figure"


@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_raw_text_is_the_lines_joined(pieces: list[str]) -> None:
    root = html_root("<html><body><div id='t'>" + "".join(pieces) + "</div></body></html>")
    node = root.xpath("//div[@id='t']")[0]
    for options in ({}, {"skip": _skip_figures}, {"spaced": frozenset({"p", "li", "div"})}):
        joined = " ".join(line.raw for line in walk.lines(node, **options))
        assert walk.raw_text(node, **options) == joined


def test_raw_text_of_a_skipped_node_and_of_a_string() -> None:
    root = html_root("<html><body><script>x</script></body></html>")
    assert walk.raw_text(root.xpath("//script")[0]) == ""
    assert walk.raw_text("schon Text") == "schon Text"
