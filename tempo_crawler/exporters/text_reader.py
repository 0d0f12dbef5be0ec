"""Read a Tempo article text back into an :class:`Article` (no Scrapy needed).

Accepts the text form written by :mod:`.text_form` and raw text dumps of A-layout pages as people saved
them (the two samples, stored page texts; docs/site.md §11): the login / e-mail block, ``image-gnews``, the
doubled caption, ``Iklan`` labels and the footer widgets are dropped with the chrome lexicon
(:func:`~tempo_crawler.text.chrome.is_chrome`); e-mail addresses are scrubbed from every value.

How the lines are recognised (the text has no markup, so some of this is heuristic; see docs/exports.md):

* an optional first line that is an ``http(s)://`` URL (stored page texts) gives url and id;
* title: the first line, unless it is already a label or the dateline paragraph;
* ``Reporter`` / ``Editor`` labels, each followed by names; without a following label, a line counts as
  a name while it looks like one (a few capitalised words, no digits, no credit slash, no full stop
  after a word);
* caption: a line printed twice in a row (raw dumps), else the line just before the dateline paragraph,
  else (no dateline) the next line if it ends in a photo credit (``. REUTERS``, ``AP/Name``, ``site.com``);
* body: from the paragraph opening with the dateline (``TEMPO.CO, Jakarta - ``; the dateline is cut
  off and ``dateline_glued`` notes ``TEMPO.CO, JakartaNATO…``), with ``Baca juga:`` / ``Baca:`` inserts
  and ``Pilihan Editor:`` taken out, a repeat of the caption dropped, and a closing line in capitals
  taken as the agency;
* related list: after the last ``Video Pilihan``, entries of title / relative time / caption + repeated
  title / summary;
* the "Ringkasan Berita" box (2025-2026 pages): its bullets become ``summary`` (the text form prints them as
  one block; in a raw page text they end where the body opens); the print-edition note
  ``Di edisi cetak, … judul "…"`` becomes ``print_title``.
"""

from __future__ import annotations

import re
from datetime import datetime

from tempo_crawler.exporters.text_form import EDITOR_LABEL, RELATED_HEADING, REPORTER_LABEL
from tempo_crawler.exporters.text_lines import (
    Unit,
    blocks_of,
    clean_line,
    is_dateline_line,
    is_relative_time,
    label_of,
    line_key,
    looks_like_caption,
    looks_like_name,
    looks_like_title,
    units_of,
)
from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.text.chrome import is_chrome, is_summary_heading, print_title
from tempo_crawler.text.credits import (
    SummaryBox,
    credit_agency,
    editors_pick_title,
    is_credit_line,
    read_also_title,
    split_dateline,
)
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.urls import article_id, canonical_url

__all__ = ["looks_like_caption", "looks_like_name", "read_text"]

_URL_LINE = re.compile(r"^https?://\S+$")


def _read_related(lines: list[str], fetched_at: datetime | None) -> list[RelatedArticle]:
    blocks = blocks_of(lines)
    n = len(blocks)

    def starts_entry(i: int) -> bool:
        """Block i is an entry's title: a relative time or the title's repeat follows it."""
        if i + 1 >= n:
            return False
        nxt = blocks[i + 1]
        return (len(nxt) == 1 and is_relative_time(nxt[0])) or nxt[-1].casefold() == blocks[i][-1].casefold()

    out: list[RelatedArticle] = []
    i = 0
    while i < n:
        title = blocks[i][-1]
        i += 1
        rel = None
        if i < n and len(blocks[i]) == 1 and is_relative_time(blocks[i][0]):
            rel = blocks[i][0]
            i += 1
        caption = None
        if i < n and blocks[i][-1].casefold() == title.casefold():
            caption = " ".join(blocks[i][:-1]) or None
            i += 1
        summary = None
        if i < n and not starts_entry(i):
            summary = " ".join(blocks[i])
            i += 1
        out.append(RelatedArticle(
            title=title, relative_time=rel, image_caption=caption, summary=summary,
            published_at=parse_relative(rel, fetched_at) if rel and fetched_at else None,
        ))
    return out


def _take_names(units: list[Unit], pos: int) -> tuple[list[str], int]:
    """Names after a label: up to the next label if one comes before the caption/body, else while they
    look like names."""
    j = pos
    while j < len(units) and j - pos <= 8:
        u = units[j]
        if label_of(u.text) or u.doubled or is_dateline_line(u.text):
            break
        j += 1
    if j < len(units) and label_of(units[j].text) == EDITOR_LABEL:
        return [u.text for u in units[pos:j]], j
    names = []
    while pos < len(units):
        u = units[pos]
        if label_of(u.text) or u.doubled or not looks_like_name(u.text):
            break
        names.append(u.text)
        pos += 1
    return names, pos


def _take_summary(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines without the first "Ringkasan Berita" box, and the box's bullets. The text form prints the
    box as one block (a blank line ends it); a raw page text runs the body on (the first line that opens
    the body ends it, :class:`~tempo_crawler.text.credits.SummaryBox`)."""
    start = next((i for i, ln in enumerate(lines) if is_summary_heading(clean_line(ln))), None)
    if start is None:
        return lines, []
    box = SummaryBox()
    box.take(clean_line(lines[start]))
    end = start + 1
    while end < len(lines):
        text = clean_line(lines[end])
        if not text:
            if box.bullets:
                break
        elif not is_chrome(text) and not box.take(text):
            break
        end += 1
    return lines[:start] + lines[end:], box.bullets


def read_text(text: str, *, fetched_at: datetime | None = None) -> Article:
    """Parse an article text (text form or raw page dump) into an :class:`Article`.

    ``fetched_at`` (when the page was saved) turns the related list's relative times into
    ``published_at``; without it they stay None. Fields the text cannot carry (dates, tags, lead, image
    URL, links) are None/empty; ``url``/``id`` come from a leading URL line when there is one.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    heading = [i for i, ln in enumerate(lines) if line_key(ln) == RELATED_HEADING.casefold()]
    cut = heading[-1] if heading else len(lines)
    head, summary = _take_summary(lines[:cut])
    units = units_of(head)
    art = Article(related=_read_related(lines[cut + 1:], fetched_at), summary=summary)
    pos = _read_header(art, units)
    dl = next((k for k in range(pos, len(units)) if is_dateline_line(units[k].text)), None)
    pos, dl = _read_caption(art, units, pos, dl)
    _read_body(art, units, pos, dl)
    return art


def _read_header(art: Article, units: list[Unit]) -> int:
    """URL line, title, reporters and editors; returns the position after them."""
    pos = 0
    if units and _URL_LINE.match(units[0].text):
        art.url = canonical_url(units[0].text)
        art.id = article_id(art.url)
        pos = 1
    if pos < len(units) and not label_of(units[pos].text) and not is_dateline_line(units[pos].text):
        art.title = units[pos].text
        pos += 1
    if pos < len(units) and label_of(units[pos].text) == REPORTER_LABEL:
        art.reporters, pos = _take_names(units, pos + 1)
    if pos < len(units) and label_of(units[pos].text) == EDITOR_LABEL:
        art.editors, pos = _take_names(units, pos + 1)
    return pos


def _read_caption(art: Article, units: list[Unit], pos: int, dl: int | None) -> tuple[int, int | None]:
    """The caption: a doubled line, else the line just before the dateline paragraph (removed from
    ``units``; anything earlier stays in the body), else a credit-ending line when there is no dateline."""
    if pos < len(units) and units[pos].doubled:
        art.image_caption = units[pos].text
        return pos + 1, dl
    if dl is not None and dl > pos:
        art.image_caption = units[dl - 1].text
        del units[dl - 1]
        return pos, dl - 1
    if dl is None and pos < len(units) and looks_like_caption(units[pos].text):
        art.image_caption = units[pos].text
        return pos + 1, dl
    return pos, dl


def _read_body(art: Article, units: list[Unit], pos: int, dl: int | None) -> None:
    """Body paragraphs from ``pos``: the dateline cut off, inserts (print title, editor's pick, read-also
    lists) and the caption's repeat taken out, a closing credit line taken as the agency."""
    glued = False
    body: list[str] = []
    caption_key = art.image_caption.casefold() if art.image_caption else None
    in_baca_list = want_pick = False
    for k in range(pos, len(units)):
        line = units[k].text
        if k == dl:
            city, rest = split_dateline(line)
            art.dateline = city
            printed = line[: len(line) - len(rest)]
            glued = bool(rest) and not printed[-1:].isspace() and printed.rstrip()[-1:] not in "-\u2013\u2014"
            line = rest
            if not line:
                continue
        printed = print_title(line)
        if printed is not None:
            art.print_title = printed
            continue
        if want_pick:  # a bare "Pilihan Editor:" line, its title on the next line
            art.editors_pick, want_pick = Link(title=line), False
            continue
        pick = editors_pick_title(line)
        if pick is not None:
            if pick:
                art.editors_pick = Link(title=pick)
            want_pick, in_baca_list = not pick, False
            continue
        also = read_also_title(line)
        if also is not None:
            if also:
                art.read_also.append(Link(title=also))
            in_baca_list = not also
            continue
        if in_baca_list and looks_like_title(line):
            art.read_also.append(Link(title=line))
            continue
        in_baca_list = False
        if caption_key and line.casefold() == caption_key:
            continue
        body.append(line)
    if body and is_credit_line(body[-1]):
        art.closing_credit = body.pop()
        art.agency = credit_agency(art.closing_credit)
    art.body = body
    # A field once items.py has it (proposed); until then a plain attribute, which exports ignore.
    art.dateline_glued = glued
