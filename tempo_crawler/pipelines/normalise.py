"""Normalise text (unicode, whitespace), dates (Indonesian, WIB/WITA/WIT → ISO 8601), URLs and lists."""

from __future__ import annotations

from dataclasses import replace

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.pipelines.base import ArticlePipeline
from tempo_crawler.text.dates import parse_date, plausible, utc_now_iso
from tempo_crawler.text.normalize import clean_or_none, clean_text, unique_texts
from tempo_crawler.urls import article_id, canonical_url


def _link_url(url: str | None) -> str | None:
    """Links to Tempo articles lose tracking queries like the item's own URL; other links are kept."""
    url = clean_or_none(url)
    return canonical_url(url) if url and article_id(url) else url


def normalise_article(a: Article) -> Article:
    url = canonical_url(a.url) if a.url else None
    return replace(
        a,
        id=a.id or (article_id(url) if url else None),
        url=url,
        section=clean_or_none(a.section),
        title=clean_or_none(a.title),
        print_title=clean_or_none(a.print_title),
        lead=clean_or_none(a.lead),
        summary=[t for t in (clean_text(b) for b in a.summary) if t],
        reporters=unique_texts(a.reporters),
        editors=unique_texts(a.editors),
        published_at=parse_date(a.published_at),
        modified_at=parse_date(a.modified_at),
        dateline=clean_or_none(a.dateline),
        image_url=clean_or_none(a.image_url),
        image_caption=clean_or_none(a.image_caption),
        body=[t for t in (clean_text(p) for p in a.body) if t],
        editors_pick=(Link(clean_text(a.editors_pick.title), _link_url(a.editors_pick.url))
                      if a.editors_pick and clean_text(a.editors_pick.title) else None),
        read_also=[Link(clean_text(x.title), _link_url(x.url)) for x in a.read_also if clean_text(x.title)],
        agency=clean_or_none(a.agency),
        closing_credit=clean_or_none(a.closing_credit),
        tags=unique_texts(a.tags),
        related=[RelatedArticle(title=clean_text(r.title), url=_link_url(r.url),
                                relative_time=clean_or_none(r.relative_time), published_at=parse_date(r.published_at),
                                image_caption=clean_or_none(r.image_caption), summary=clean_or_none(r.summary))
                 for r in a.related if clean_text(r.title)],
        crawled_at=parse_date(a.crawled_at) if a.crawled_at else utc_now_iso(),
    )


def _sane_dates(a: Article) -> tuple[Article, int]:
    """Optional dates outside the plausible range (:func:`tempo_crawler.text.dates.plausible`) become missing;
    ``published_at`` is left for the validate pipeline to judge (an article without a true date is dropped)."""
    cleared = 0

    def keep(value: str | None) -> str | None:
        nonlocal cleared
        if value and not plausible(value, a.crawled_at):
            cleared += 1
            return None
        return value

    related = [replace(r, published_at=keep(r.published_at)) for r in a.related]
    return replace(a, modified_at=keep(a.modified_at), related=related), cleared


class NormalisePipeline(ArticlePipeline):
    def process_article(self, article: Article) -> Article:
        article, cleared = _sane_dates(normalise_article(article))
        if cleared:
            self.inc("dates/implausible_cleared", cleared)
        return article
