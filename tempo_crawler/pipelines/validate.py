"""Drop items that are not usable articles, each with a reason in the log and a stats counter."""

from __future__ import annotations

from tempo_crawler.items import Article
from tempo_crawler.pipelines.base import ArticlePipeline
from tempo_crawler.text.dates import plausible


def problems(a: Article) -> list[str]:
    """Reasons an article is unusable (empty when it is fine)."""
    out = []
    if not a.title:
        out.append("no_title")
    if not a.body:
        out.append("no_body")
    if not a.published_at:
        out.append("no_date")
    elif not plausible(a.published_at, a.crawled_at):   # year 0001 or 9999: a broken page, not a date
        out.append("implausible_date")
    if not a.id:
        out.append("no_id")
    return out


class ValidatePipeline(ArticlePipeline):
    def process_article(self, article: Article) -> Article:
        found = problems(article)
        if found:
            self.drop(found, f"invalid article {article.url}: {', '.join(found)}")
        return article
