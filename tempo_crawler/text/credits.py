"""Datelines (``TEMPO.CO, Jakarta - ``), agency credit lines and in-body inserts."""

from __future__ import annotations

import re

# MARKUP.md §8: standard, glued to the text, without the comma, with en/em dash.
_DATELINE = re.compile(
    r"^\s*TEMPO\.CO\s*,?\s*"
    r"(?P<city>[A-Z][a-z'.]+(?:[ -][A-Z][a-z'.]+)*?)"
    r"(?:\s*[-\u2013\u2014]\s*|(?=[A-Z\u201c\"'][a-z\u201c\"'A-Z]))"
)
_AGENCY = re.compile(r"^[A-Z][A-Z .,'&/|-]{1,60}$")
_READ_ALSO = re.compile(r"^\s*Baca(?:\s+juga)?\s*:\s*(?P<title>.*)$", re.IGNORECASE)
_EDITORS_PICK = re.compile(r"^\s*Pilihan\s+Editor\s*:\s*(?P<title>.*)$", re.IGNORECASE)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """``("Jakarta", rest)`` when the paragraph opens with a Tempo dateline, else ``(None, paragraph)``."""
    m = _DATELINE.match(paragraph)
    if not m:
        return None, paragraph
    return m.group("city"), paragraph[m.end():].lstrip(" -\u2013\u2014\xa0")


def dateline_glued(paragraph: str) -> bool:
    """True when the dateline runs straight into the text (``TEMPO.CO, JakartaNATO…``), no dash between."""
    m = _DATELINE.match(paragraph)
    return bool(m) and not re.search(r"[-\u2013\u2014]", paragraph[m.start("city") + len(m.group("city")):m.end()])


def is_agency_line(line: str) -> bool:
    """A closing credit in capitals: ``ANADOLU``, ``REUTERS``, ``AP | AL JAZEERA``, ``IRA GUSLINA SUFA``."""
    line = line.strip()
    return bool(_AGENCY.match(line)) and any(c.isalpha() for c in line) and len(line.split()) <= 6


def read_also_title(line: str) -> str | None:
    """Title of a ``Baca juga:`` / ``Baca:`` insert ("" for a bare label), else None."""
    m = _READ_ALSO.match(line)
    return m.group("title").strip() if m else None


def editors_pick_title(line: str) -> str | None:
    m = _EDITORS_PICK.match(line)
    return m.group("title").strip() if m else None
