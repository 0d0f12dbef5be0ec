"""What must never reach any output: the lexicon's forbidden substrings and e-mail addresses, plain or
obfuscated (test-side audit of exported text), and the bounds + clean + normalise steps the pipelines apply
before validation.

The e-mail detector here is deliberately not the crawler's (``tempo_crawler/text/emails.py``): a gap in the
scrubber must not be hidden by the same gap in the audit. It unquotes (``%40``), folds compatibility forms
(``＠``), reads ``(at)`` / ``[at]`` / ``(dot)`` as ``@`` / ``.``, and around every ``@`` looks for a local part
and a dotted domain, a space at a dot allowed (``x@gmail .com``). It reads a bounded window around each ``@``,
so auditing a long output stays linear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

from tempo_crawler.items import Article
from tempo_crawler.pipelines.bounds import bound_article
from tempo_crawler.pipelines.clean import clean_article
from tempo_crawler.pipelines.normalise import normalise_article
from tempo_crawler.text.chrome import lexicon

_AT_WORD = re.compile(r"\s*[(\[{]\s*at\s*[)\]}]\s*", re.IGNORECASE)
_DOT_WORD = re.compile(r"\s*[(\[{]\s*dot\s*[)\]}]\s*", re.IGNORECASE)
_DOMAIN_START = re.compile(r"\s?[\w-]+(?:\s?\.\s?[\w-]+)+")


def _local_start(text: str, at: int) -> int:
    """Where the local part before ``text[at] == "@"`` starts (``at`` when there is none); 100 characters back
    at most."""
    i = at
    while i > 0 and at - i < 100 and (text[i - 1].isalnum() or text[i - 1] in "._+%-"):
        i -= 1
    return i


def _emails(text: str) -> Iterator[str]:
    text = unicodedata.normalize("NFKC", text)
    text = _DOT_WORD.sub(".", _AT_WORD.sub("@", text))
    at = text.find("@")
    while at != -1:
        start = _local_start(text, at)
        domain = _DOMAIN_START.match(text, at + 1, at + 400)
        if start < at and domain:
            tld = domain.group().rsplit(".", 1)[-1].strip()
            if len(tld) >= 2 and tld.isalpha():
                yield text[start:domain.end()]
        at = text.find("@", at + 1)


def emails_in(text: str) -> list[str]:
    """E-mail addresses in ``text`` (also URL-encoded, full-width or written with ``(at)``), as found."""
    found = list(_emails(text))
    unquoted = unquote_plus(text)
    if unquoted != text:
        found += [e for e in _emails(unquoted) if e not in found]
    return found


def forbidden_in(text: str) -> list[str]:
    """Chrome substrings or e-mail addresses found in ``text``."""
    folded = " ".join(text.split()).casefold()  # NBSP and runs of whitespace read as one space
    found = [s for s in lexicon()["forbidden_substrings"] if s.casefold() in folded]
    found += emails_in(text)
    return found


def strings_of(value: Any) -> Iterator[str]:
    """Every string inside an exported value (nested lists and dicts, keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_of(k)
            yield from strings_of(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings_of(v)


def leaks_in(item: dict[str, Any]) -> dict[str, list[str]]:
    """``{field: [leaks]}`` for every field of an exported item (URLs included) that carries one."""
    out = {}
    for name, value in item.items():
        found = [f for s in strings_of(value) for f in forbidden_in(s)]
        if found:
            out[str(name)] = found
    return out


def finalize(article: Article) -> Article:
    """What the pipelines do to a parsed article before validation: bounds, clean, then normalise."""
    return normalise_article(clean_article(bound_article(article)[0]))
