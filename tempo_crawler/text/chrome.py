"""The chrome lexicon (``lexicon.toml``) as functions: is a line site furniture, and scrub e-mail addresses."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    data = resources.files("tempo_crawler.text").joinpath("lexicon.toml").read_text("utf-8")
    return tomllib.loads(data)


def _key(line: str) -> str:
    return " ".join(line.replace("\xa0", " ").split()).casefold()


@lru_cache(maxsize=1)
def _exact() -> frozenset[str]:
    return frozenset(_key(s) for s in lexicon()["exact"])


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in lexicon()["patterns"])


def is_chrome(line: str | None) -> bool:
    """True when the whole line is a chrome string (ad label, login modal, widget heading...)."""
    if not line:
        return False
    key = _key(line)
    if not key:
        return False
    if key in _exact():
        return True
    stripped = " ".join(line.split())
    return any(p.match(stripped) for p in _patterns())


def scrub_emails(text: str) -> str:
    """Remove e-mail addresses (a reader's address must never reach output)."""
    # No "@", no address: skips the pattern's scan (tried at every character), ~40 calls per article.
    return EMAIL_RE.sub("", text) if "@" in text else text


@lru_cache(maxsize=1)
def _summary_headings() -> frozenset[str]:
    return frozenset(_key(s) for s in lexicon().get("summary_headings", []))


@lru_cache(maxsize=1)
def _print_title_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in lexicon().get("print_title_patterns", []))


_QUOTES = "\"'\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb"


def is_summary_heading(line: str | None) -> bool:
    """The heading of the news-summary box ("Ringkasan Berita") as a whole line."""
    return bool(line) and _key(line) in _summary_headings()


def print_title(line: str | None) -> str | None:
    """The title of the print-edition note (``Di edisi cetak, artikel ini terbit di bawah judul "…"``) without
    its quotes and final full stop; None when the line is not that note."""
    if not line:
        return None
    stripped = " ".join(line.split())
    for pattern in _print_title_patterns():
        m = pattern.match(stripped)
        if m:
            title = m.group("title").strip().rstrip(".").strip().strip(_QUOTES).strip()
            return title or None
    return None
