"""Strip site chrome (the lexicon in ``text/lexicon.toml``: whole chrome lines, and chrome glued to the start
or end of a line) and e-mail addresses from every field, URL fields included."""

from __future__ import annotations

from dataclasses import replace

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.pipelines.base import ArticlePipeline
from tempo_crawler.text.chrome import strip_chrome
from tempo_crawler.text.emails import scrub_emails, scrub_url


def _s(value: str | None) -> str | None:
    if value is None:
        return None
    return strip_chrome(scrub_emails(value))


def _lines(values: list[str]) -> list[str]:
    return [v for v in (_s(x) for x in values) if v and v.strip()]


def _link(link: Link | None) -> Link | None:
    if link is None:
        return None
    title = _s(link.title)
    return Link(title=title, url=scrub_url(link.url)) if title else None


def clean_article(a: Article) -> Article:
    related = []
    for r in a.related:
        title = _s(r.title)
        if title:
            related.append(RelatedArticle(title=title, url=scrub_url(r.url), relative_time=_s(r.relative_time),
                                          published_at=r.published_at, image_caption=_s(r.image_caption),
                                          summary=_s(r.summary)))
    return replace(
        a,
        url=scrub_url(a.url), image_url=scrub_url(a.image_url),
        title=_s(a.title), print_title=_s(a.print_title), lead=_s(a.lead), summary=_lines(a.summary),
        section=_s(a.section), dateline=_s(a.dateline),
        image_caption=_s(a.image_caption), agency=_s(a.agency), closing_credit=_s(a.closing_credit),
        reporters=_lines(a.reporters), editors=_lines(a.editors), tags=_lines(a.tags), body=_lines(a.body),
        editors_pick=_link(a.editors_pick), read_also=[x for x in map(_link, a.read_also) if x],
        related=related,
    )


class CleanPipeline(ArticlePipeline):
    def process_article(self, article: Article) -> Article:
        before = len(article.body)
        article = clean_article(article)
        if len(article.body) != before:
            self.inc("clean/body_lines_dropped", before - len(article.body))
        return article
