"""Discovery sources, one module each, registered by name. A source knows its first URL(s) (from the
settings), how to read its responses into article references (a pure function of the body, testable
without Scrapy), how to recognise a response of its kind, and whether it is an HTML listing (rendered
like a page when JavaScript rendering is needed).

Adding a source: a module here with a :class:`Source` subclass decorated with :func:`register`, and its
import at the bottom of this file. The spider, the default ``TEMPO_SOURCES`` list and rendering all read
the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

DEFAULT_BASE = "https://www.tempo.co"


@dataclass(slots=True)
class ArticleRef:
    """An article as a listing announces it: where it is and, when the listing says so, how fresh."""

    url: str
    source: str
    published_at: str | None = None  # ISO 8601 with offset
    lastmod: str | None = None
    title: str | None = None
    is_free: bool | None = None


@dataclass
class Listing:
    """What one listing page yielded, and where the next page is (None when there is none)."""

    refs: list[ArticleRef] = field(default_factory=list)
    next_url: str | None = None
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index


class Source:
    """One discovery source. Subclasses set ``name`` and implement :meth:`first_url` and :meth:`parse`."""

    name: ClassVar[str]
    html: ClassVar[bool] = False   # an HTML listing page (not a feed or JSON): rendered when needed
    ready: ClassVar[str] = ""      # CSS that shows a rendered listing is filled (html sources)

    def first_url(self, settings: Any) -> str:
        raise NotImplementedError

    def first_urls(self, settings: Any) -> list[str]:
        """Every URL the source starts from (a source may start from several, e.g. the per-rubric sitemap and
        the sitemap index); by default the one :meth:`first_url`."""
        return [self.first_url(settings)]

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        raise NotImplementedError

    def sniff(self, head: bytes, body: bytes) -> bool:
        """Does a response of unknown kind (an explicit URL) look like this source's? ``head``: the first
        512 bytes, left-stripped."""
        return False


REGISTRY: dict[str, Source] = {}


def register(cls: type[Source]) -> type[Source]:
    REGISTRY[cls.name] = cls()
    return cls


def base_url(settings: Any) -> str:
    """``TEMPO_BASE_URL`` without a trailing slash."""
    return (settings.get("TEMPO_BASE_URL") or DEFAULT_BASE).rstrip("/")


def rubric(settings: Any) -> str:
    return settings.get("TEMPO_RUBRIC") or "internasional"


def sections(settings: Any) -> list[str]:
    """The new-site rubrics kept (``TEMPO_SECTIONS``)."""
    return settings.getlist("TEMPO_SECTIONS", ["internasional"]) or ["internasional"]


def get(name: str) -> Source:
    if name not in REGISTRY:
        raise ValueError(f"TEMPO_SOURCES: unknown source {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def sniff(head: bytes, body: bytes) -> Source | None:
    """The source whose responses look like this one (feeds, sitemaps, JSON), or None (HTML)."""
    return next((s for s in REGISTRY.values() if s.sniff(head, body)), None)


def html_listing() -> Source:
    """The source that reads HTML listing pages (explicit URLs of unknown kind are tried with it)."""
    return next(s for s in REGISTRY.values() if s.html)


# The registry, in the default order of TEMPO_SOURCES.
# The old system's world feed first: in 2026 it is where today's world news is (docs/site.md §4, §13).
from tempo_crawler.sources import rss, api, payload, sitemap, indeks  # noqa: E402,F401,I001

NAMES: tuple[str, ...] = tuple(REGISTRY)
