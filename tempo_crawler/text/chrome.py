"""The chrome lexicon (``lexicon.toml``) as functions: is a line site furniture, and what is left of a line
once the chrome glued to its start or end is cut off. (E-mail addresses: :mod:`tempo_crawler.text.emails`.)"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from tempo_crawler.text.emails import scrub_emails
from tempo_crawler.text.normalize import collapse_spaces

__all__ = ["is_chrome", "lexicon", "scrub_emails", "strip_chrome"]

# Glued chrome is looked for only in this many characters at each end of a line: the lexicon's prefix and
# suffix patterns never read more, however long the line.
AFFIX_WINDOW = 400
_AFFIX_ROUNDS = 4
# What may separate glued chrome from the text it is glued to.
_SEPARATOR = r"[\s\-\u2013\u2014:|\u2022\u00b7]*"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    data = resources.files("tempo_crawler.text").joinpath("lexicon.toml").read_text("utf-8")
    return tomllib.loads(data)


def _key(line: str) -> str:
    return collapse_spaces(line).casefold()   # split() splits at NBSP too


@lru_cache(maxsize=1)
def _exact() -> frozenset[str]:
    return frozenset(_key(s) for s in lexicon()["exact"])


@lru_cache(maxsize=1)
def _patterns() -> re.Pattern[str]:
    """The lexicon's whole-line patterns as one alternation (one match per line, not one per pattern)."""
    return re.compile("|".join(f"(?:{p})" for p in lexicon()["patterns"]), re.IGNORECASE)


@lru_cache(maxsize=1)
def _affixes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(prefix, suffix): one alternation each over the lexicon's ``prefixes`` / ``suffixes``, ending (or
    starting) at a word boundary, with the separator between chrome and text."""
    prefixes = "|".join(f"(?:{p})" for p in lexicon()["prefixes"])
    suffixes = "|".join(f"(?:{p})" for p in lexicon()["suffixes"])
    return (re.compile(rf"^(?:{prefixes})(?!\w){_SEPARATOR}", re.IGNORECASE),
            re.compile(rf"(?<!\w)(?:{suffixes})\s*$", re.IGNORECASE))


_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")


def literal_head(pattern: str) -> str | None:
    """The literal text every match of ``pattern`` starts with, lower-cased (``slot-iklan-\\d…`` →
    ``slot-iklan-``); None when there is none (a group, a class, an alternation)."""
    if "|" in pattern:
        return None
    head: list[str] = []
    for c in pattern:
        if c in _REGEX_SYNTAX:
            if c in "?*{" and head:   # the character before a quantifier may be missing
                head.pop()
            break
        head.append(c)
    return "".join(head).lower() or None


@lru_cache(maxsize=1)
def _suffix_heads() -> tuple[str, ...] | None:
    """The literal head of every ``suffixes`` pattern (None if one has none): a line whose tail holds none of
    them cannot end in chrome, and the suffix pattern, tried at every position of the tail, is not run."""
    heads = tuple(literal_head(p) for p in lexicon()["suffixes"])
    return None if None in heads else heads  # type: ignore[return-value]


def _may_end_in_chrome(tail: str) -> bool:
    heads = _suffix_heads()
    if heads is None or not tail.isascii():   # IGNORECASE beyond ASCII folds more than lower() does
        return True
    return any(map(tail.lower().__contains__, heads))


def _whole_line(line: str) -> bool:
    """The line is one of the lexicon's whole-line strings (``exact``) or matches one of its ``patterns``."""
    return _whole_collapsed(collapse_spaces(line))   # the key is this, casefolded (_key)


def _whole_collapsed(collapsed: str) -> bool:
    """:func:`_whole_line` of a line whose whitespace is already collapsed."""
    if not collapsed:
        return False
    if collapsed.casefold() in _exact():
        return True
    return _patterns().match(collapsed) is not None


def is_chrome(line: str | None) -> bool:
    """True when the whole line is chrome (ad label, login modal, widget heading...): a whole-line string or
    pattern, or chrome strings (``prefixes`` / ``suffixes``) that leave nothing of the line once cut off. A
    string listed as a prefix or suffix is not listed again as a whole line."""
    return bool(line) and bool(_key(line)) and strip_chrome(line) is None


def _strip_collapsed(line: str) -> str:
    """``line`` (whitespace already collapsed) without the lexicon's ``prefixes`` / ``suffixes`` at its ends."""
    prefix, suffix = _affixes()
    for _ in range(_AFFIX_ROUNDS):
        before = line
        m = prefix.match(line, 0, AFFIX_WINDOW)
        if m and m.end() > 0:
            line = line[m.end():]
        tail_from = max(0, len(line) - AFFIX_WINDOW)
        m = suffix.search(line, tail_from) if _may_end_in_chrome(line[tail_from:]) else None
        if m and m.start() < len(line):
            line = line[:m.start()].rstrip(" -\u2013\u2014|\u2022\u00b7")
        if line == before:
            break
    return line


def strip_chrome(line: str | None) -> str | None:
    """None when the line is chrome (or empty); else the line without chrome glued to its start or end."""
    if not line:
        return None
    collapsed = collapse_spaces(line)   # once: every test below reads the collapsed line
    if _whole_collapsed(collapsed):
        return None
    rest = _strip_collapsed(collapsed)
    if rest and rest == collapsed:   # nothing cut: _whole_line(rest) would repeat _whole_line(line)
        return rest
    return None if not rest or _whole_line(rest) else rest


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
    stripped = collapse_spaces(line)
    for pattern in _print_title_patterns():
        m = pattern.match(stripped)
        if m:
            title = m.group("title").strip().rstrip(".").strip().strip(_QUOTES).strip()
            return title or None
    return None
