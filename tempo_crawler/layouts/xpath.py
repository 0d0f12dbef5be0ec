"""The page's one lxml tree and the compiled queries the layouts run on it.

Every XPath (and CSS selector) of a layout is compiled once, when its module is imported
(:func:`xpath`, :func:`css`), and evaluated on the tree the page was parsed into (:func:`html_root`): no
expression is compiled again per page (parsel compiles its string on every call) and no result is wrapped
in a ``Selector``. Results are plain ``str`` and lxml elements.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_local = threading.local()
_CSS = HTMLTranslator()


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser (an lxml parser is reused, never shared between threads); the options are
    parsel's, so the tree is the one ``Selector(text=…)`` would build."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    return parser


def html_root(html: str, utf8: bytes | None = None) -> Any:
    """The root element of ``html`` parsed as parsel's ``Selector(text=html)`` parses it (an empty page is
    ``<html/>``), with plain lxml elements. ``utf8``: ``html`` encoded already, known to hold no NUL."""
    stripped = html.strip()
    if utf8 is not None and stripped is html:   # nothing stripped: the bytes are the ones parsel would read
        body = utf8 or b"<html/>"
    elif utf8 is not None and (ascii_ends := _ascii_ends(html, stripped)) is not None:
        # only ASCII whitespace stripped (a final newline): one byte a character, cut from the bytes
        lead, trail = ascii_ends
        body = utf8[lead:len(utf8) - trail] or b"<html/>"
    else:
        body = stripped.replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = _parser()
    root = etree.fromstring(body, parser=parser)
    return etree.fromstring(b"<html/>", parser=parser) if root is None else root


def _ascii_ends(html: str, stripped: str) -> tuple[int, int] | None:
    """(leading, trailing) characters ``strip`` took from ``html``, when all of them are ASCII, else None."""
    lead = len(html) - len(html.lstrip())   # lstrip copies nothing when there is nothing to strip
    trail = len(html) - lead - len(stripped)
    return (lead, trail) if html[:lead].isascii() and html[len(html) - trail:].isascii() else None


def xpath(expr: str) -> etree.XPath:
    """``expr`` compiled once; results are plain strings and elements."""
    return etree.XPath(expr, smart_strings=False)


def css(selector: str) -> etree.XPath:
    """A CSS selector compiled once, translated as parsel's ``Selector.css`` translates it (``::attr(x)``
    and ``::text`` included)."""
    return xpath(_CSS.css_to_xpath(selector))


def has_class(*names: str) -> str:
    """XPath predicate: the element has every one of these CSS classes (``//div[{has_class("a", "b")}]``)."""
    # ``contains(@class, …)`` first: it is cheap and false on most elements, so the exact word test (which
    # builds a string per element) runs only where the name occurs at all.
    return " and ".join(f"contains(@class, '{n}') and contains(concat(' ', normalize-space(@class), ' '), ' {n} ')"
                        for n in names)


def nodes(el: Any, query: etree.XPath) -> list[Any]:
    return query(el) if el is not None else []


def node(el: Any, *queries: etree.XPath) -> Any | None:
    """The first result of the first query that gives any (None when none does)."""
    if el is None:
        return None
    for q in queries:
        found = q(el)
        if found:
            return found[0]
    return None


def string(el: Any, query: etree.XPath) -> str | None:
    """The first string a query gives (an attribute or text query), or None."""
    found = query(el) if el is not None else []
    return str(found[0]) if found else None
