"""The golden set: reconstructed article pages under ``tests/replica/pages`` and, for each, an expected
item written by hand from the page text under ``tests/replica/expected``.

Expected JSON = the Article's fields plus meta keys starting with ``_``:
  ``_file``         the page, relative to ``tests/replica/pages`` (e.g. ``A2/sample-000.html``)
  ``_url``          the real URL the page lives at (the replica serves it at this URL's path+query)
  ``_extra_pages``  optional ``{url: file}`` of further pages of the same article (``?page_num=2``)
  ``_fetched_at``   fetch time the relative times of the related list are measured from (ISO, UTC)
  ``_source``       the real page text(s) it was reconstructed from (``shared/tempo/pages/…``, samples)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

REPLICA = Path(__file__).resolve().parents[1] / "replica"
PAGES = REPLICA / "pages"
EXPECTED = REPLICA / "expected"
TOKEN_RE = re.compile(r"\w+", re.UNICODE)


@dataclass
class Golden:
    name: str
    expected: dict[str, Any]

    @property
    def file(self) -> Path:
        return PAGES / self.expected["_file"]

    @property
    def url(self) -> str:
        return self.expected["_url"]

    @property
    def fetched_at(self) -> datetime:
        return datetime.fromisoformat(self.expected["_fetched_at"])

    @property
    def extra_pages(self) -> dict[str, Path]:
        return {u: PAGES / f for u, f in self.expected.get("_extra_pages", {}).items()}

    def fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.expected.items() if not k.startswith("_")}


def goldens() -> list[Golden]:
    return [Golden(p.stem, json.loads(p.read_text("utf-8"))) for p in sorted(EXPECTED.glob("*.json"))]


def parse_golden(g: Golden):  # noqa: ANN201
    """Parse the golden page (and its extra pages) as the crawler would, through clean + normalise."""
    from tempo_crawler.layouts import parse_page
    from tempo_crawler.layouts.base import merge_pages
    from tempo_crawler.pipelines import finalize

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
