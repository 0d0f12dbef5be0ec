"""Datelines (``TEMPO.CO, Jakarta - ``), closing credit lines (news agencies, writers) and in-body inserts (the
"Baca juga" and "Pilihan Editor" lines, the "Ringkasan Berita" box), as rules over text lines shared by the
layout parsers and the text reader."""

from __future__ import annotations

import re

from tempo_crawler.text.chrome import is_summary_heading
from tempo_crawler.text.normalize import collapse_spaces

# docs/site.md §8: standard, glued to the text, without the comma, with en/em dash.
_DATELINE = re.compile(
    r"^\s*TEMPO\.CO\s*,?\s*"
    r"(?P<city>[A-Z][a-z'.]+(?:[ -][A-Z][a-z'.]+)*?)"
    r"(?:\s*[-\u2013\u2014]\s*|(?=[A-Z\u201c\"'][a-z\u201c\"'A-Z]))"
)
_CREDIT = re.compile(r"^[A-Z][A-Z .,'&/|-]{1,60}$")
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


def is_credit_line(line: str) -> bool:
    """A closing credit in capitals: an agency (``ANADOLU``, ``AP | AL JAZEERA``) or a writer's name or
    initials (``IRA GUSLINA SUFA``, ``NN``)."""
    line = line.strip()
    return bool(_CREDIT.match(line)) and any(c.isalpha() for c in line) and len(line.split()) <= 6


# News agencies and outlets Tempo credits at the end of an article (written as printed, any case; dots and
# a leading "THE" are ignored). A credit part not listed here is a media name when it ends in one of
# _MEDIA_WORDS or is a domain (DEAGEL.COM); anything else is a writer's name or initials.
AGENCIES = frozenset({
    "AP", "AFP", "ANADOLU", "ANADOLU AGENCY", "ANTARA", "ANTARA NEWS", "REUTERS", "XINHUA", "KYODO", "YONHAP",
    "BERNAMA", "DPA", "EFE", "ANSA", "TASS", "RIA NOVOSTI", "SPUTNIK", "IRNA", "WAFA", "KCNA", "UPI", "AAP",
    "AL JAZEERA", "BBC", "CNN", "NHK", "NPR", "ABC", "CBS", "NBC", "CNBC", "DW", "RFI", "VOA", "FRANCE 24",
    "GUARDIAN", "INDEPENDENT", "TELEGRAPH", "NEW YORK TIMES", "NYT", "WASHINGTON POST", "BLOOMBERG",
    "AXIOS", "POLITICO", "NIKKEI", "NIKKEI ASIA", "CHANNEL NEWS ASIA", "CNA", "SCMP", "SOUTH CHINA MORNING POST",
    "STRAITS TIMES", "JAPAN TIMES", "KOREA HERALD", "KOREA TIMES", "GLOBAL TIMES", "ARAB NEWS", "HAARETZ",
    "TIMES OF ISRAEL", "MIDDLE EAST EYE", "NEWSWEEK", "TIME", "ASIA ONE", "ASIAONE", "JAPAN TODAY",
    "THE STAR", "MALAY MAIL", "INQUIRER", "PHILSTAR", "BANGKOK POST", "VNEXPRESS", "SKY NEWS", "FOX NEWS",
})
_MEDIA_WORDS = ("NEWS", "TIMES", "POST", "HERALD", "PRESS", "AGENCY", "TV", "TRIBUNE", "JOURNAL", "GAZETTE",
                "DAILY", "MAIL", "TODAY", "MONITOR", "REVIEW", "WIRE", "RADIO")
_DOMAIN = re.compile(r"\.(?:COM|CO|NET|ORG|INFO|ID)$")
_PART_SPLIT = re.compile(r"\s*[|/,]\s*")


def _agency_name(part: str) -> bool:
    key = collapse_spaces(part.upper().replace(".", ""))
    key = key[4:] if key.startswith("THE ") else key
    dotted = collapse_spaces(part.upper())
    return (key in AGENCIES or bool(_DOMAIN.search(dotted))
            or (len(key.split()) > 1 and key.split()[-1] in _MEDIA_WORDS))


def credit_parts(line: str) -> list[str]:
    """The names of a credit line: ``AP | AL JAZEERA`` → ``["AP", "AL JAZEERA"]``."""
    return [p for p in _PART_SPLIT.split(line.strip()) if p]


def credit_agency(line: str | None) -> str | None:
    """The agencies a closing credit names, joined with `` | `` in printed order (``REUTERS``,
    ``AP | AL JAZEERA``); None when it names only writers (``IRA GUSLINA SUFA``) or nothing."""
    if not line:
        return None
    agencies = [p for p in credit_parts(line) if _agency_name(p)]
    return " | ".join(agencies) or None


def read_also_title(line: str) -> str | None:
    """Title of a ``Baca juga:`` / ``Baca:`` insert ("" for a bare label), else None."""
    m = _READ_ALSO.match(line)
    return m.group("title").strip() if m else None


def editors_pick_title(line: str) -> str | None:
    m = _EDITORS_PICK.match(line)
    return m.group("title").strip() if m else None


# 2026 bodies open with their first word in capitals and no dateline ("PRESIDEN Prabowo…", "DI bawah…").
_CAPS_OPENER = re.compile(r"^[\"\u201c']?[A-Z]{2,}(?=[\s,.:;]|$)")
_BULLET = re.compile(r"^\s*[-\u2013\u2022\u00b7*]\s+")


def opens_body(paragraph: str) -> bool:
    """Does the paragraph read like the first of a body: a Tempo dateline, or a first word in capitals?"""
    return split_dateline(paragraph)[0] is not None or bool(_CAPS_OPENER.match(paragraph))


def bullet_text(line: str) -> str | None:
    """The text of a line written as a bullet (``- …``, ``• …``), or None when it has no bullet mark."""
    m = _BULLET.match(line)
    if m is None:
        return None
    return line[m.end():].strip() or None


class SummaryBox:
    """The "Ringkasan Berita" box (docs/site.md §8), fed paragraph by paragraph: its heading, then bullets
    until the body starts. :meth:`take` says whether a paragraph belongs to the box; ``bullets`` holds them.

    A bullet is a list item or a line with a bullet mark; once the box showed such bullets, the first other
    paragraph ends it. Unmarked bullets (the page texts print them so) last until a paragraph that opens
    the body (:func:`opens_body`: 2026 bodies open with a word in capitals), a paragraph longer than
    :attr:`MAX_CHARS`, or :attr:`MAX_BULLETS` bullets.
    """

    MAX_BULLETS = 8
    MAX_CHARS = 400

    def __init__(self) -> None:
        self.open = False
        self.marked = False
        self.bullets: list[str] = []

    def take(self, text: str, bullet: bool = False) -> bool:
        if is_summary_heading(text):
            self.open, self.marked = True, False
            return True
        if not self.open:
            return False
        marked = bullet_text(text)
        if len(self.bullets) >= self.MAX_BULLETS:
            self.open = False
        elif bullet or marked:
            self.marked = True
            self.bullets.append(marked or text)
            return True
        elif self.marked or opens_body(text) or len(text) > self.MAX_CHARS:
            self.open = False
        else:
            self.bullets.append(text)
            return True
        return False
