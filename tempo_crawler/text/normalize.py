"""Whitespace and unicode normalisation of extracted text."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

# Never text: zero-width characters, the soft hyphen, lone surrogates (a JSON ``"\ud800"`` escape would make
# the item unwritable as UTF-8).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ud800-\udfff]")
# Control characters (NUL, C0 and C1 controls) separate words at most: with whitespace (incl. NBSP), one space.
_SPACES = re.compile("[\\s\x00-\x08\x0e-\x1f\x7f-\x9f]+")
# The controls among those that are not whitespace: without them, ``str.split()`` (which splits at exactly the
# characters ``\s`` matches, NBSP included) collapses whitespace in one pass, twice as fast as the regex.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def collapse_spaces(text: str) -> str:
    """Whitespace runs as one space, trimmed: ``" ".join(text.split())``. A text that is so already is returned
    without being split and joined again: every character printable (the only whitespace ``isprintable``
    allows is the ASCII space), no double space, none at either end."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def clean_text(text: Any) -> str:
    """NFC, entities decoded, no zero-width or control characters, whitespace (incl. NBSP) collapsed,
    trimmed. Total: anything that is not a string (a JSON-LD number, list, object, null) is no text ("")."""
    if not text or not isinstance(text, str):
        return ""
    text = html.unescape(text) if "&" in text else text
    if not text.isascii():   # ASCII has no zero-width characters and is NFC already
        text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    if not text.isprintable() and _CONTROLS.search(text):   # printable: no control character (all are Cc)
        return _SPACES.sub(" ", text).strip()
    return collapse_spaces(text)


def clean_or_none(text: Any) -> str | None:
    cleaned = clean_text(text)
    return cleaned or None


def unique_texts(values: list[Any]) -> list[str]:
    """Cleaned, non-empty, first-seen order, no case-insensitive repeats (a reporter who is also editor…)."""
    seen: set[str] = set()
    out = []
    for v in values:
        v = clean_text(v)
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out
