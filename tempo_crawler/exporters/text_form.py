"""The text form of an article: one UTF-8 ``<id>.txt`` that reads like Tempo's own page text, minus the chrome.

Lines, in the order of the A2 page text (MARKUP.md §11), one blank line between blocks::

    <title>
    Reporter                      always (the page always has the reporter box)
    <reporter>                    one line per name
    Editor                        only when the item has editors
    <editor>                      one line per name
    <image caption>               once
    TEMPO.CO, <City> - <first paragraph>
    <paragraph> ...
    Baca juga: <title>            one per "read also" link (their place in the body is not kept)
    Pilihan Editor: <title>
    <AGENCY>
    Video Pilihan                 only when there are related entries, then per entry:
    <title>
    <relative time>
    <image caption>               caption and repeated title on adjacent lines, as on the page
    <title>
    <summary>

A line whose value the item lacks is left out. The dateline is printed ``TEMPO.CO, <City> - `` before the
first paragraph; when the item says the page glued it to the text (``dateline_glued``, see below) it is
printed ``TEMPO.CO, <City>`` directly followed by the paragraph, as sample 002 shows.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tempo_crawler.context import RunContext
from tempo_crawler.files import write_atomic
from tempo_crawler.items import Article, article_from_dict
from tempo_crawler.text.chrome import scrub_emails

if TYPE_CHECKING:
    from tempo_crawler.state.store import SeenStore

logger = logging.getLogger(__name__)

REPORTER_LABEL = "Reporter"
EDITOR_LABEL = "Editor"
RELATED_HEADING = "Video Pilihan"
EDITORS_PICK_PREFIX = "Pilihan Editor: "
READ_ALSO_PREFIX = "Baca juga: "
DATELINE_PREFIX = "TEMPO.CO, "
DATELINE_SEPARATOR = " - "
DEFAULT_TEXT_DIR = "output/text/"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$")


def _line(value: str | None) -> str:
    """One value as one line: whitespace (NBSP, newlines) collapsed, e-mail addresses removed."""
    return " ".join(scrub_emails(value or "").split())


def dateline_prefix(article: Article) -> str:
    """``TEMPO.CO, Jakarta - `` (or ``TEMPO.CO, Jakarta`` when glued); ``""`` without a dateline."""
    city = _line(article.dateline)
    if not city:
        return ""
    return DATELINE_PREFIX + city + ("" if article.dateline_glued else DATELINE_SEPARATOR)


def to_text(article: Article) -> str:
    """The text form of ``article`` (see the module doc). Pure: no I/O."""
    blocks: list[str] = []

    def add(value: str | None) -> None:
        line = _line(value)
        if line:
            blocks.append(line)

    add(article.title)
    blocks.append(REPORTER_LABEL)
    for name in article.reporters:
        add(name)
    editors = [_line(n) for n in article.editors if _line(n)]
    if editors:
        blocks.append(EDITOR_LABEL)
        blocks.extend(editors)
    add(article.image_caption)
    body = [_line(p) for p in article.body if _line(p)]
    prefix = dateline_prefix(article)
    if prefix:
        if body:
            body[0] = prefix + body[0]
        else:
            body = [prefix.strip()]
    blocks.extend(body)
    for link in article.read_also:
        if _line(link.title):
            blocks.append(READ_ALSO_PREFIX + _line(link.title))
    if article.editors_pick and _line(article.editors_pick.title):
        blocks.append(EDITORS_PICK_PREFIX + _line(article.editors_pick.title))
    add(article.agency)
    related = [r for r in article.related if _line(r.title)]
    if related:
        blocks.append(RELATED_HEADING)
        for r in related:
            title = _line(r.title)
            blocks.append(title)
            add(r.relative_time)
            caption = _line(r.image_caption)
            blocks.append(f"{caption}\n{title}" if caption else title)
            add(r.summary)
    return "\n\n".join(blocks) + "\n"


def text_file_name(article: Article) -> str | None:
    """``<id>.txt``, or None when the item has no id usable as a file name."""
    aid = (article.id or "").strip()
    return f"{aid}.txt" if _SAFE_NAME.match(aid) else None


@dataclass
class Rebuilt:
    written: int = 0
    failed: int = 0
    not_found: int = 0       # no line of that article in the file the store names


def _latest_lines(files: Iterable[Path], wanted: set[str] | None) -> dict[str, dict[str, Any]]:
    """The newest line (highest ``version``, then the later one) per article id in JSON Lines ``files``."""
    latest: dict[str, dict[str, Any]] = {}
    for path in files:
        with open(path, "rb") as fh:
            for raw in fh:
                try:
                    item = json.loads(raw)
                except ValueError:
                    continue
                aid = str(item.get("id") or "") if isinstance(item, dict) else ""
                if aid and (wanted is None or aid in wanted) and \
                        int(item.get("version") or 1) >= int(latest.get(aid, {}).get("version") or 0):
                    latest[aid] = item
    return latest


def rebuild_texts(files: Iterable[Path], directory: Path, *, only: set[str] | None = None,
                  force: bool = False) -> tuple[Rebuilt, set[str]]:
    """Write ``<id>.txt`` from the newest line of each article in ``files`` (only ids in ``only`` when given;
    only missing text files unless ``force``). Returns the counts and the ids written."""
    out, done = Rebuilt(), set()
    for aid, item in _latest_lines(files, only).items():
        article = article_from_dict(item)
        name = text_file_name(article)
        if name is None or (not force and (directory / name).exists()):
            continue
        try:
            write_atomic(directory / name, to_text(article))
        except OSError as exc:
            logger.error("text form: cannot write %s: %s", directory / name, exc)
            out.failed += 1
            continue
        out.written += 1
        done.add(aid)
    return out, done


def rebuild_missing(store: SeenStore, directory: Path) -> Rebuilt:
    """Write the text files the store lists as missing, from the JSON Lines files holding their articles."""
    by_file: dict[str, set[str]] = {}
    for aid, file in store.texts_missing():
        by_file.setdefault(file or "", set()).add(aid)
    total = Rebuilt()
    for file, ids in by_file.items():
        if not file or not Path(file).is_file():
            total.not_found += len(ids)
            continue
        counts, done = rebuild_texts([Path(file)], directory, only=ids, force=True)
        total.written += counts.written
        total.failed += counts.failed
        total.not_found += len(ids) - len(done) - counts.failed
        store.text_written(done)
    return total


class TextFormPipeline:
    """Write every article's text form to ``TEMPO_TEXT_DIR/<id>.txt`` (default ``output/text/``).

    Stats: ``tempo/text_form/written``; ``tempo/text_form/write_error`` (logged, the item goes on, the run
    exits 1); ``tempo/text_form/skipped_no_id``. The item itself is passed on unchanged.

    A text file that cannot be written is never half there (temporary file + rename). With the seen-store,
    it is noted as missing (``text_missing``), and at the end of the next run (or ``scrapy state
    rebuild-text``) the missing ones are written from the JSON Lines files (``tempo/text_form/rebuilt``).
    """

    def __init__(self, directory: str | os.PathLike[str] = DEFAULT_TEXT_DIR, stats: Any = None,
                 context: RunContext | None = None) -> None:
        self.directory = Path(directory)
        self.stats = stats
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> TextFormPipeline:
        return cls(crawler.settings.get("TEMPO_TEXT_DIR") or DEFAULT_TEXT_DIR, crawler.stats,
                   RunContext.find(crawler))

    @property
    def store(self) -> SeenStore | None:
        return self.context.store if self.context is not None and self.context.active else None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"tempo/text_form/{key}")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            article = item
        elif isinstance(item, dict) and "body" in item:
            article = article_from_dict(item)
        else:
            return item
        name = text_file_name(article)
        if name is None:
            self._inc("skipped_no_id")
            return item
        path = self.directory / name
        try:
            write_atomic(path, to_text(article))
        except Exception as exc:  # never crash the crawl over a text file
            logger.error("text form: cannot write %s: %s", path, exc)
            self._inc("write_error")
            if self.store is not None:
                self.store.note_text_missing([article.id], f"{type(exc).__name__}: {exc}")
        else:
            self._inc("written")
            if self.store is not None:
                self.store.text_written([article.id])
        return item

    def close_spider(self) -> None:
        """Catch up: write the text files earlier runs could not (from the JSON Lines files)."""
        if self.store is None:
            return
        done = rebuild_missing(self.store, self.directory)
        for key, value in (("rebuilt", done.written), ("write_error", done.failed), ("rebuild_not_found",
                                                                                   done.not_found)):
            if value and self.stats is not None:
                self.stats.inc_value(f"tempo/text_form/{key}", value)
        if done.written:
            logger.info("text form: wrote %d text file(s) missing since earlier runs", done.written)
