"""The layout-drift canary: does the body read from the DOM still say what the page's JSON-LD says?

Presence checks miss a redesign when a fallback fills the field (the B parser reads the JSON-LD
``articleBody`` when the DOM yields no body), or when the parser reads the wrong container. The canary
compares values: the token F1 between the JSON-LD ``articleBody`` and the body read from the DOM, per page
that carries one. A healthy page scores near 1; a body that moved scores 0; a body read from the wrong
container scores low.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
# A JSON-LD articleBody this much shorter than the DOM body is an excerpt (sample-000 carries the first
# 90 words of a 300-word article): it is compared with the same-length start of the DOM body.
EXCERPT_RATIO = 0.6
MAX_TOKENS = 20_000   # bound the work per page


def tokens(text: str) -> list[str]:
    """The words of ``text``, case-folded. Folded in one call: casefold works character by character and never
    makes a space, so folding the space-joined words and splitting them again folds each word."""
    words = _WORD.findall(text[: MAX_TOKENS * 12])[:MAX_TOKENS]
    return " ".join(words).casefold().split(" ") if words else []


def token_f1(reference: list[str], candidate: list[str]) -> float:
    """Bag-of-words F1 of ``candidate`` against ``reference`` (1.0 when both are empty)."""
    if not reference and not candidate:
        return 1.0
    common = sum((Counter(reference) & Counter(candidate)).values())
    if not common:
        return 0.0
    precision, recall = common / len(candidate), common / len(reference)
    return 2 * precision * recall / (precision + recall)


def body_f1(jsonld_body: str, dom_body: Iterable[str]) -> float:
    """Token F1 between a page's JSON-LD ``articleBody`` and the body read from its DOM."""
    ref = tokens(jsonld_body)
    got = tokens("\n".join(dom_body))
    if ref and len(ref) < EXCERPT_RATIO * len(got):
        got = got[: len(ref)]
    return token_f1(ref, got)
