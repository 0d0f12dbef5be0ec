"""One parser per page layout, chosen by the page's content (never its host).

A layout is named by its item code (the ``layout`` field): ``A1`` desktop ≈2018–2020 (``a1.py``), ``A2``
desktop 2021–Nov 2024 (``a2.py``), ``AMP`` the A-era AMP pages (``amp.py``), ``B`` the Nuxt site since
Nov 2024 (``b.py``); ``JSONLD`` the fallback for a page no layout recognises that carries a complete
schema.org article (``jsonld_only.py``). ``detect`` asks each parser of ``PARSERS`` in order whether the page
is of its layout; ``parse_page`` (``parse`` for a :class:`Page`) returns the first one's parse, or None when
nothing fits or the page is over the parse budget (the caller quarantines such a page).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from tempo_crawler.layouts.a1 import A1Parser
from tempo_crawler.layouts.a2 import A2Parser
from tempo_crawler.layouts.amp import AMPParser
from tempo_crawler.layouts.b import BParser
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, ShellMarkers
from tempo_crawler.layouts.jsonld_only import JSONLDParser

# AMP first: it reuses desktop class names. B before A: its markers are unambiguous. JSONLD last, always:
# it takes any page with a complete article JSON-LD, so it must only see pages every layout refused.
PARSERS: tuple[LayoutParser, ...] = (AMPParser(), BParser(), A2Parser(), A1Parser(), JSONLDParser())


NAMES: tuple[str, ...] = tuple(p.name for p in PARSERS)


def enabled(names: Iterable[str]) -> frozenset[str] | None:
    """The layouts a run may use (setting ``TEMPO_LAYOUTS``): None for all (nothing given); ValueError names
    an unknown one."""
    chosen = frozenset(n.strip().upper() for n in names if n.strip())
    unknown = sorted(chosen - set(NAMES))
    if unknown:
        raise ValueError(f"TEMPO_LAYOUTS: unknown layout {unknown[0]!r}; known: {', '.join(NAMES)}")
    return chosen or None


def detect(page: Page, layouts: Collection[str] | None = None) -> LayoutParser | None:
    """The first parser (of ``layouts``, default all) whose layout the page is of, or None."""
    return next((p for p in PARSERS if (layouts is None or p.name in layouts) and p.matches(page)), None)


def parse(page: Page, layouts: Collection[str] | None = None) -> ParsedPage | None:
    """The page read by the parser of its layout (of ``layouts``, default all); None when no known layout fits
    or when the page is over the parse budget (:attr:`Page.over_budget`: the caller quarantines it with that
    reason)."""
    if page.over_budget:
        return None
    parser = detect(page, layouts)
    return parser.parse(page) if parser else None


def parse_page(url: str, html: str, fetched_at: datetime | None = None,
               layouts: Collection[str] | None = None) -> ParsedPage | None:
    return parse(Page(url, html) if fetched_at is None else Page(url, html, fetched_at), layouts)


def _union(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def ready_selector() -> str:
    """CSS selector (state "attached") that shows a rendered article page has its text: the union of every
    layout's ``ready`` selector."""
    return ", ".join(_union([part.strip() for p in PARSERS for part in p.ready.split(",")]))


def shell_markers() -> ShellMarkers:
    """What a client-rendered shell looks like, over every layout that declares one (``render`` asks)."""
    shells = [p.shell for p in PARSERS if p.shell]
    return ShellMarkers(mounts=_union([m for s in shells for m in s.mounts]),
                        states=_union([m for s in shells for m in s.states]),
                        stubs=_union([m for s in shells for m in s.stubs]))


__all__ = ["NAMES", "PARSERS", "A1Parser", "A2Parser", "AMPParser", "BParser", "JSONLDParser", "Page",
           "ShellMarkers", "detect", "enabled", "parse", "parse_page", "ready_selector", "shell_markers"]
