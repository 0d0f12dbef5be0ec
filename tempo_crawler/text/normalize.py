"""Whitespace and unicode normalisation of extracted text."""

from __future__ import annotations

import html
import re
import unicodedata

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WS = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    """NFC, entities decoded, no zero-width characters, whitespace (incl. NBSP) collapsed, trimmed."""
    if not text:
        return ""
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    return _WS.sub(" ", text).strip()


def clean_or_none(text: str | None) -> str | None:
    cleaned = clean_text(text)
    return cleaned or None


def unique_texts(values: list[str]) -> list[str]:
    """Cleaned, non-empty, first-seen order, no case-insensitive repeats (a reporter who is also editor…)."""
    seen: set[str] = set()
    out = []
    for v in values:
        v = clean_text(v)
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out
