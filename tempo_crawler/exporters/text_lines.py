"""How a line of an article text is recognised (the text has no markup): labels, names, captions,
datelines, relative times; the non-chrome lines of a text as units or blank-separated blocks.

Used by :mod:`.text_reader`; the rules are documented there and in docs/exports.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from tempo_crawler.exporters.text_form import EDITOR_LABEL, REPORTER_LABEL, text_line
from tempo_crawler.text.chrome import is_chrome
from tempo_crawler.text.credits import split_dateline
from tempo_crawler.text.dates import parse_relative

_NAME_PARTICLES = frozenset({"bin", "binti", "van", "von", "de", "der", "da", "al", "el", "dan"})
_NAME_BAD_CHARS = re.compile(r"[\d/|:;()\"\u201c\u201d?!@#=+*_<>\[\]]")
_DOMAIN_END = re.compile(r"\b[\w-]+\.(?:com|net|org|co|id|go\.id|co\.id|int|gov|edu|info|tv|news)\.?$", re.I)
_NOW = datetime(2000, 1, 1, tzinfo=timezone.utc)  # only to ask parse_relative whether a line is a relative time


def clean_line(value: str) -> str:
    """A line of a text as the writer wrote it (:func:`~.text_form.text_line`)."""
    return text_line(value)


def line_key(value: str) -> str:
    return clean_line(value).casefold()


def label_of(value: str) -> str | None:
    key = line_key(value).rstrip(":").strip()
    if key == REPORTER_LABEL.casefold():
        return REPORTER_LABEL
    if key == EDITOR_LABEL.casefold():
        return EDITOR_LABEL
    return None


def is_dateline_line(value: str) -> bool:
    return split_dateline(value)[0] is not None


def is_relative_time(value: str) -> bool:
    return parse_relative(value, _NOW) is not None


def looks_like_name(value: str) -> bool:
    """A person's name (or two joined by ``dan``/commas): a few capitalised words, nothing else."""
    if not value or len(value) > 80 or _NAME_BAD_CHARS.search(value) or is_dateline_line(value):
        return False
    if value.isupper():  # a line in capitals is a label or subhead ("BRASIL"), or an agency credit
        return False
    words = value.replace(",", " ").split()
    if not 1 <= len(words) <= 6:
        return False
    for w in words:
        if w.casefold() in _NAME_PARTICLES:
            continue
        if not w[0].isupper():
            return False
        if "." in w and len(w.rstrip(".")) > 3:  # "M." / "Moh." are initials; "Stoltenberg." ends a sentence
            return False
    return True


def looks_like_caption(value: str) -> bool:
    """A photo caption: it ends in a credit (``. REUTERS``, ``REUTERS/Ints Kalnins``, ``deagel.com``) or says
    it is an illustration."""
    if not value:
        return False
    if value.casefold().startswith(("ilustrasi", "foto:", "dok.", "dok ")):
        return True
    if "/" in value or _DOMAIN_END.search(value):
        return True
    if ". " in value:
        credit = value.rsplit(". ", 1)[1].strip().rstrip(".")
        words = credit.split()
        return 0 < len(words) <= 5 and all(w[0].isupper() for w in words)
    return False


def looks_like_title(value: str) -> bool:
    """A linked title under a bare ``Baca:`` label: short, not ending like a sentence."""
    return len(value.split()) <= 16 and not value.rstrip().endswith((".", ":", ",", ";"))


@dataclass
class Unit:
    text: str
    doubled: bool = False  # printed twice in a row (the caption in raw A dumps)


def units_of(lines: list[str]) -> list[Unit]:
    """Non-blank, non-chrome lines; a line repeated on the very next line is kept once, marked doubled."""
    out: list[Unit] = []
    prev_adjacent: Unit | None = None
    for raw in lines:
        text = clean_line(raw)
        if not text:
            prev_adjacent = None
            continue
        if is_chrome(raw) or is_chrome(text):
            continue
        if prev_adjacent is not None and text.casefold() == prev_adjacent.text.casefold():
            prev_adjacent.doubled = True
            continue
        unit = Unit(text)
        out.append(unit)
        prev_adjacent = unit
    return out


def blocks_of(lines: list[str]) -> list[list[str]]:
    """Groups of adjacent non-blank, non-chrome lines (blank lines separate groups)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in lines:
        text = clean_line(raw)
        if not text:
            if current:
                blocks.append(current)
                current = []
            continue
        if is_chrome(raw) or is_chrome(text):
            continue
        current.append(text)
    if current:
        blocks.append(current)
    return blocks
