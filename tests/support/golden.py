"""The golden set: reconstructed article pages with, for each, the item written by hand from the page text.

One folder per case, grouped by layout (the item code, lower case), in the manner of web-poet fixtures::

    tests/layouts/<code>/<case>/page.html       the page (first line: RECONSTRUCTION header, docs/site.md §…)
    tests/layouts/<code>/<case>/expected.json   the Article fields, written by hand, never from the parser
    tests/layouts/<code>/<case>/meta.json       url: the real URL the page lives at (the replica serves it at
                                                its path+query); fetched_at: the fetch time relative times of
                                                the related list are measured from (ISO, UTC); source: the
                                                real page text(s) it was reconstructed from; extra_pages:
                                                optional {url: file in this folder} of further pages of the
                                                same article (``?page_num=2``)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "layouts"
PAGE, EXPECTED, META = "page.html", "expected.json", "meta.json"
# The Article fields every expected item is compared on (crawl-time fields such as crawled_at are not).
COMPARED_FIELDS = (
    "id", "url", "layout", "section", "title", "print_title", "lead", "summary", "reporters", "editors",
    "published_at", "modified_at", "dateline", "dateline_glued",
    "image_url", "image_caption", "body", "editors_pick", "read_also", "agency", "closing_credit", "tags", "related",
    "is_free", "truncated",
)
TOKEN_RE = re.compile(r"\w+", re.UNICODE)


@dataclass
class Golden:
    """One case folder: ``tests/layouts/<code>/<case>/``."""

    dir: Path
    expected: dict[str, Any]
    meta: dict[str, Any]

    @classmethod
    def load(cls, case_dir: Path) -> Golden:
        return cls(case_dir, json.loads((case_dir / EXPECTED).read_text("utf-8")),
                   json.loads((case_dir / META).read_text("utf-8")))

    @property
    def code(self) -> str:
        """The layout folder (``a2``)."""
        return self.dir.parent.name

    @property
    def case(self) -> str:
        """The case folder (``sample-000``, ``1462680``)."""
        return self.dir.name

    @property
    def name(self) -> str:
        """``<code>/<case>``: unique over the set (an AMP page and its desktop twin share the id)."""
        return f"{self.code}/{self.case}"

    @property
    def file(self) -> Path:
        return self.dir / PAGE

    @property
    def url(self) -> str:
        return self.meta["url"]

    @property
    def fetched_at(self) -> datetime:
        return datetime.fromisoformat(self.meta["fetched_at"])

    @property
    def source(self) -> str:
        return self.meta["source"]

    @property
    def extra_pages(self) -> dict[str, Path]:
        return {u: self.dir / f for u, f in self.meta.get("extra_pages", {}).items()}


def case_dirs(root: Path = FIXTURES) -> list[Path]:
    """Every ``<code>/<case>/`` folder under ``root`` that holds fixture files, complete or not."""
    return sorted(d for d in root.glob("*/*") if d.is_dir() and any((d / f).exists() for f in (PAGE, EXPECTED, META)))


def goldens(root: Path = FIXTURES) -> list[Golden]:
    """Every case with its expected item and meta data (tests/layouts/test_fixtures.py checks completeness)."""
    return [Golden.load(d) for d in case_dirs(root) if (d / EXPECTED).is_file() and (d / META).is_file()]


def golden(name: str) -> Golden:
    """One case by ``<code>/<case>`` name (``a2/sample-000``)."""
    return Golden.load(FIXTURES / name)


def parse_golden(g: Golden):  # noqa: ANN201
    """Parse the golden page (and its extra pages) as the crawler would, through clean + normalise."""
    from tempo_crawler.layouts import parse_page
    from tempo_crawler.layouts.base import merge_pages
    from tests.support.leaks import finalize

    first = parse_page(g.url, g.file.read_text("utf-8"), g.fetched_at)
    if first is None:
        return None
    rest = []
    for url, path in g.extra_pages.items():
        more = parse_page(url, path.read_text("utf-8"), g.fetched_at)
        if more is not None:
            rest.append(more.article)
    return finalize(merge_pages(first.article, rest))


def tokens(paragraphs: list[str]) -> list[str]:
    return TOKEN_RE.findall(" ".join(paragraphs).casefold())


def token_prf(expected: list[str], got: list[str]) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall, F1 of a body against the expected body."""
    from collections import Counter

    e, g = Counter(tokens(expected)), Counter(tokens(got))
    overlap = sum((e & g).values())
    p = overlap / sum(g.values()) if g else (1.0 if not e else 0.0)
    r = overlap / sum(e.values()) if e else (1.0 if not g else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
