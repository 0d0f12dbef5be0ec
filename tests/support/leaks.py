"""What must never reach any output: the lexicon's forbidden substrings and e-mail addresses (test-side
audit of exported text), and the clean + normalise steps the pipelines apply before validation."""

from __future__ import annotations

from tempo_crawler.items import Article
from tempo_crawler.pipelines.clean import clean_article
from tempo_crawler.pipelines.normalise import normalise_article
from tempo_crawler.text.chrome import EMAIL_RE, lexicon


def forbidden_in(text: str) -> list[str]:
    """Chrome substrings or e-mail addresses found in ``text``."""
    found = [s for s in lexicon()["forbidden_substrings"] if s.casefold() in text.casefold()]
    found += EMAIL_RE.findall(text)
    return found


def finalize(article: Article) -> Article:
    """What the pipelines do to a parsed article before validation: clean, then normalise."""
    return normalise_article(clean_article(article))
