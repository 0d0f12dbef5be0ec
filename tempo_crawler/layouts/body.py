"""Body assembly, shared by every layout: the paragraphs a parser found in the DOM (:class:`Para`) sorted into
the article's body and its parts (dateline, "Baca juga" and "Pilihan Editor" inserts, summary box,
print-edition note, closing credit), and the related-list entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from tempo_crawler.items import Link, RelatedArticle
from tempo_crawler.text.chrome import print_title, strip_chrome
from tempo_crawler.text.credits import (
    SummaryBox,
    credit_agency,
    dateline_glued,
    editors_pick_title,
    is_credit_line,
    read_also_title,
    split_dateline,
)
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.text.emails import scrub_emails
from tempo_crawler.text.normalize import clean_text


@dataclass
class Para:
    """A body paragraph as found in the DOM: its text, the first link in it, whether it is a subhead."""

    text: str
    href: str | None = None
    link_text: str | None = None
    glued_dateline: bool = False  # the parser saw the dateline element run into the text
    bullet: bool = False          # a list item (``<li>``) in the page


@dataclass
class BodyParts:
    body: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_glued: bool = False
    read_also: list[Link] = field(default_factory=list)
    editors_pick: Link | None = None
    agency: str | None = None
    summary: list[str] = field(default_factory=list)
    print_title: str | None = None
    closing_credit: str | None = None

    def article_fields(self) -> dict[str, Any]:
        """These parts as keyword arguments of :class:`Article` (the field names are the same)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def assemble_body(paras: list[Para], *, captions: tuple[str | None, ...] = ()) -> BodyParts:
    """Classify body paragraphs: dateline cut from the first, "Baca juga" and "Pilihan Editor" inserts
    pulled out, the closing credit line set apart (``closing_credit``; its agencies in ``agency``), chrome
    lines and repeated captions dropped; the "Ringkasan Berita" bullets and the print-edition note set apart
    (``summary``, ``print_title``)."""
    parts = BodyParts()
    skip = {clean_text(c).casefold() for c in captions if c}
    kept: list[Para] = []
    in_baca_list = False
    summary = SummaryBox()
    for p in paras:
        text = strip_chrome(clean_text(scrub_emails(p.text)))
        if not text or text.casefold() in skip:
            continue
        if summary.take(text, bullet=p.bullet):
            continue
        printed = print_title(text)
        if printed is not None:
            parts.print_title = printed
            continue
        pick = editors_pick_title(text)
        if pick is not None:
            parts.editors_pick = Link(title=pick or (p.link_text or ""), url=p.href)
            in_baca_list = False
            continue
        also = read_also_title(text)
        if also is not None:
            if also:
                parts.read_also.append(Link(title=also, url=p.href))
            in_baca_list = not also
            continue
        if in_baca_list and p.href and p.link_text and clean_text(p.link_text) == text:
            parts.read_also.append(Link(title=text, url=p.href))
            continue
        in_baca_list = False
        kept.append(Para(text, p.href, p.link_text, p.glued_dateline))
    parts.summary = summary.bullets
    if kept:
        city, rest = split_dateline(kept[0].text)
        if city:
            parts.dateline = city
            parts.dateline_glued = kept[0].glued_dateline or dateline_glued(kept[0].text)
            kept[0] = Para(rest, kept[0].href, kept[0].link_text)
            if not rest:
                kept.pop(0)
    if kept and is_credit_line(kept[-1].text):
        parts.closing_credit = kept.pop().text
        parts.agency = credit_agency(parts.closing_credit)
    parts.body = [p.text for p in kept]
    return parts


def related_entry(title: str, url: str | None, relative_time: str | None, image_caption: str | None,
                  summary: str | None, fetched_at: datetime) -> RelatedArticle:
    rel = clean_text(relative_time) or None
    return RelatedArticle(
        title=clean_text(title), url=url, relative_time=rel,
        published_at=parse_relative(rel, fetched_at) if rel else None,
        image_caption=clean_text(image_caption) or None, summary=clean_text(summary) or None,
    )

