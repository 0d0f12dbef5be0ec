"""The one text walker of the layouts: an element's text as a reader sees it.

Text nodes are taken in document order and inline elements are concatenated without added spaces
(``<a>di sini</a>.`` stays ``di sini.``). ``<br>`` starts a new line. Scripts, styles, templates and
Cloudflare's ``[email protected]`` stubs are skipped with their content, but not their tail. A parser can
skip more elements and can give a list of block-level tags that get a space before and after their text.
The HTML is never parsed again: the walker reads the tree the page was parsed into.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from tempo_crawler.text.normalize import clean_text

NEVER_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
NEVER_TEXT_CLASSES = frozenset({"__cf_email__"})


def tag(el: Any) -> str:
    """Lower-case tag name; "" for comments and processing instructions."""
    name = el.tag   # lxml makes a new string on every access: read once
    return name.lower() if isinstance(name, str) else ""


def classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def never_text(el: Any) -> bool:
    """Default skip test: scripts, styles, templates, Cloudflare e-mail stubs."""
    if tag(el) in NEVER_TEXT_TAGS:
        return True
    names = el.get("class")
    return bool(names) and not NEVER_TEXT_CLASSES.isdisjoint(names.split())


@dataclass
class Line:
    """One ``<br>``-separated line: its raw text parts and the ``<a>`` elements that open on it."""

    parts: list[str] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return "".join(self.parts)


def lines(node: Selector | Any, *, skip: Callable[[Any], bool] = never_text,
          spaced: frozenset[str] = frozenset()) -> list[Line]:
    """The text of ``node`` split at ``<br>``. ``skip`` decides which descendants are left out; ``node``
    itself is read unless :func:`never_text` (a caption asked for directly is read even where a body walk
    skips captions). Elements whose tag is in ``spaced`` get a space before and after."""
    el = node.root if isinstance(node, Selector) else node
    out = [Line()]

    def visit(e: Any) -> None:
        name = tag(e)
        if name == "br":
            out.append(Line())
            return
        if not name or skip(e):
            return
        if name in spaced:
            out[-1].parts.append(" ")
        if e.text:
            out[-1].parts.append(e.text)
        if name == "a":
            out[-1].links.append(e)
        children(e)
        if name in spaced:
            out[-1].parts.append(" ")

    def children(e: Any) -> None:
        for child in e:
            visit(child)
            if child.tail:
                out[-1].parts.append(child.tail)

    if isinstance(el, str):
        return [Line([el])]
    if never_text(el):
        return out
    if el.text:
        out[0].parts.append(el.text)
    children(el)
    return out


def raw_text(node: Selector | Any, *, skip: Callable[[Any], bool] = never_text,
             spaced: frozenset[str] = frozenset()) -> str:
    """The walked text with ``<br>`` as a space, not yet cleaned: the lines of :func:`lines` joined with a
    space, gathered in one list (no :class:`Line` per ``<br>``: the walk most text goes through)."""
    el = node.root if isinstance(node, Selector) else node
    if isinstance(el, str):
        return el
    if never_text(el):
        return ""
    parts = [el.text] if el.text else []
    _gather(el, parts, skip, spaced)
    return "".join(parts)


def _gather(el: Any, parts: list[str], skip: Callable[[Any], bool], spaced: frozenset[str]) -> None:
    for child in el:
        name = tag(child)
        if name == "br":
            parts.append(" ")
        elif name and not skip(child):
            if name in spaced:
                parts.append(" ")
            if child.text:
                parts.append(child.text)
            _gather(child, parts, skip, spaced)
            if name in spaced:
                parts.append(" ")
        if child.tail:
            parts.append(child.tail)


def text(node: Selector | Any, *, skip: Callable[[Any], bool] = never_text,
         spaced: frozenset[str] = frozenset()) -> str:
    """The walked text with ``<br>`` as a space, whitespace collapsed (:func:`clean_text`)."""
    return clean_text(raw_text(node, skip=skip, spaced=spaced))
