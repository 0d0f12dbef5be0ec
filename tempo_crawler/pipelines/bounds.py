"""Field limits (:mod:`tempo_crawler.limits`) on every item, first of the pipelines: a text or URL longer than
its limit is removed, a list is cut to its limit, and an article with more paragraphs than any real one is
dropped (``tempo/dropped/too_long``). Each cut is counted in ``tempo/limits/<field>``."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from tempo_crawler import limits
from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.pipelines.base import ArticlePipeline


def _text(value: Any, limit: int, field: str, cuts: Counter[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        cuts[field] += 1
        return None
    return value


def _list(values: list[Any], field: str, cuts: Counter[str]) -> list[Any]:
    if len(values) > limits.MAX_LIST:
        cuts[field] += 1
        return values[:limits.MAX_LIST]
    return values


def _link(link: Link | None, field: str, cuts: Counter[str]) -> Link | None:
    if link is None:
        return None
    title = _text(link.title, limits.MAX_TEXT, f"{field}.title", cuts)
    return Link(title, _text(link.url, limits.MAX_URL, f"{field}.url", cuts)) if title else None


def _related(r: RelatedArticle, cuts: Counter[str]) -> RelatedArticle | None:
    title = _text(r.title, limits.MAX_TEXT, "related.title", cuts)
    if not title:
        return None
    return RelatedArticle(
        title=title, url=_text(r.url, limits.MAX_URL, "related.url", cuts),
        relative_time=_text(r.relative_time, limits.MAX_DATE_TEXT, "related.relative_time", cuts),
        published_at=_text(r.published_at, limits.MAX_DATE_TEXT, "related.published_at", cuts),
        image_caption=_text(r.image_caption, limits.MAX_TEXT, "related.image_caption", cuts),
        summary=_text(r.summary, limits.MAX_TEXT, "related.summary", cuts))


def bound_article(a: Article) -> tuple[Article, Counter[str]]:
    """The article within the field limits, and what was cut (field → count)."""
    cuts: Counter[str] = Counter()
    changes: dict[str, Any] = {}
    for name, limit in limits.TEXT_FIELDS.items():
        changes[name] = _text(getattr(a, name), limit, name, cuts)
    for name in limits.URL_FIELDS:
        changes[name] = _text(getattr(a, name), limits.MAX_URL, name, cuts)
    for name in limits.DATE_FIELDS:
        changes[name] = _text(getattr(a, name), limits.MAX_DATE_TEXT, name, cuts)
    for name in limits.NAME_LISTS:
        kept = [v for v in getattr(a, name) if _text(v, limits.MAX_NAME, name, cuts)]
        changes[name] = _list(kept, name, cuts)
    changes["body"] = [p for p in a.body if _text(p, limits.MAX_PARAGRAPH, "body.paragraph", cuts)]
    changes["editors_pick"] = _link(a.editors_pick, "editors_pick", cuts)
    changes["read_also"] = _list([x for x in (_link(r, "read_also", cuts) for r in a.read_also) if x],
                                 "read_also", cuts)
    changes["related"] = _list([x for x in (_related(r, cuts) for r in a.related) if x], "related", cuts)
    return replace(a, **changes), cuts


class BoundsPipeline(ArticlePipeline):
    def process_article(self, article: Article) -> Article:
        if len(article.body) > limits.MAX_PARAGRAPHS:
            self.drop("too_long", f"{len(article.body)} paragraphs (limit {limits.MAX_PARAGRAPHS}): "
                      f"{str(article.url)[:limits.MAX_URL]}")
        article, cuts = bound_article(article)
        for field, n in cuts.items():
            self.inc(f"limits/{field}", n)
        return article
