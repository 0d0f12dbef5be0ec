"""The item and its parts: the one source of field names and their order."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any


@dataclass
class Link:
    """A titled link: the editor's pick or a "Baca juga" insert."""

    title: str
    url: str | None = None


@dataclass
class RelatedArticle:
    """An entry of the related list under an article ("Video Pilihan" block)."""

    title: str
    url: str | None = None
    relative_time: str | None = None
    published_at: str | None = None
    image_caption: str | None = None
    summary: str | None = None


@dataclass
class Article:
    """One Tempo article. Every field is always present; ``None``/empty when the page has none."""

    id: str | None = None
    url: str | None = None
    layout: str | None = None
    section: str | None = None
    title: str | None = None
    print_title: str | None = None  # the title the print edition used ("Di edisi cetak, … judul \"…\"")
    lead: str | None = None
    summary: list[str] = field(default_factory=list)  # the "Ringkasan Berita" bullets shown before the body
    reporters: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    dateline: str | None = None
    dateline_glued: bool = False  # the page printed "TEMPO.CO, JakartaNATO…" (no separator before the text)
    image_url: str | None = None
    image_caption: str | None = None
    body: list[str] = field(default_factory=list)
    editors_pick: Link | None = None
    read_also: list[Link] = field(default_factory=list)
    agency: str | None = None         # the news agencies the closing credit names ("REUTERS", "AP | AL JAZEERA")
    closing_credit: str | None = None  # the closing credit line as printed: agencies and/or a writer's name
    tags: list[str] = field(default_factory=list)
    related: list[RelatedArticle] = field(default_factory=list)
    is_free: bool = True
    truncated: bool = False
    crawled_at: str | None = None
    # Cross-run state (filled by the seen-store on export): 1 for a first export, +1 per revision.
    version: int = 1
    first_seen: str | None = None
    revised_at: str | None = None


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` semantics (dataclasses to dicts, lists and dicts copied) without its deepcopy."""
    if type(value) in _ATOMS:
        return value
    names = _FIELD_NAMES.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def article_to_dict(article: Article) -> dict[str, Any]:
    """Plain JSON-ready dict in field order (nested dataclasses become dicts): what ``dataclasses.asdict``
    returns, several times faster (called for every exported item)."""
    return _plain(article)


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`; unknown keys are ignored."""
    kw = {k: v for k, v in data.items() if k in ARTICLE_FIELDS}
    if isinstance(kw.get("editors_pick"), dict):
        kw["editors_pick"] = Link(**kw["editors_pick"])
    kw["read_also"] = [Link(**x) if isinstance(x, dict) else x for x in kw.get("read_also") or []]
    kw["related"] = [RelatedArticle(**x) if isinstance(x, dict) else x for x in kw.get("related") or []]
    return Article(**kw)
