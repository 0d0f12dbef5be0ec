"""The text form of an article: one UTF-8 ``<id>.txt`` that reads like Tempo's own page text, minus the chrome.

Lines, in the order of the A2 page text (docs/site.md §11; the 2025-2026 blocks where the B pages show them,
§8), one blank line between blocks::

    <title>
    Reporter                      always (the page always has the reporter box)
    <reporter>                    one line per name
    Editor                        only when the item has editors
    <editor>                      one line per name
    <image caption>               once
    Ringkasan Berita              only with a summary; its bullets on the next lines, one per line, with no
    <bullet>                      blank line between them (the box is one block)
    TEMPO.CO, <City> - <first paragraph>
    <paragraph> ...
    Baca juga: <title>            one per "read also" link (their place in the body is not kept)
    Pilihan Editor: <title>
    <CLOSING CREDIT>              the closing credit line (agency or writer), as printed
    Di edisi cetak, artikel ini terbit di bawah judul "<print title>"   only with a print title
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

import logging
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tempo_crawler.context import RunContext
from tempo_crawler.files import write_atomic, write_atomic_many
from tempo_crawler.identity import item_key
from tempo_crawler.items import Article, article_from_dict
from tempo_crawler.text.chrome import scrub_emails
from tempo_crawler.text.normalize import collapse_spaces

if TYPE_CHECKING:
    from tempo_crawler.state.store import SeenStore

logger = logging.getLogger(__name__)

REPORTER_LABEL = "Reporter"
EDITOR_LABEL = "Editor"
RELATED_HEADING = "Video Pilihan"
EDITORS_PICK_PREFIX = "Pilihan Editor: "
READ_ALSO_PREFIX = "Baca juga: "
SUMMARY_HEADING = "Ringkasan Berita"
# In a crawl, text files are written by the thread pool in batches of this many (or what came in this many
# seconds), their fsyncs together: one thread hop and one journal commit per batch, not per file.
BATCH_FILES = 100
BATCH_SECONDS = 1.0
PRINT_TITLE_NOTE = 'Di edisi cetak, artikel ini terbit di bawah judul "{}"'
DATELINE_PREFIX = "TEMPO.CO, "
DATELINE_SEPARATOR = " - "
DEFAULT_TEXT_DIR = "output/text/"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$")


def text_line(value: str | None) -> str:
    """One value as one line: whitespace (NBSP, newlines) collapsed, e-mail addresses removed (the writer's
    rule, which the reader's :func:`~.text_lines.clean_line` is)."""
    return collapse_spaces(scrub_emails(value or ""))


def _lines(values: Iterable[str | None]) -> list[str]:
    """The values as lines, empty ones left out."""
    return [line for line in map(text_line, values) if line]


def dateline_prefix(article: Article) -> str:
    """``TEMPO.CO, Jakarta - `` (or ``TEMPO.CO, Jakarta`` when glued); ``""`` without a dateline."""
    city = text_line(article.dateline)
    if not city:
        return ""
    return DATELINE_PREFIX + city + ("" if article.dateline_glued else DATELINE_SEPARATOR)


def to_text(article: Article) -> str:
    """The text form of ``article`` (see the module doc). Pure: no I/O."""
    blocks: list[str] = []

    def add(value: str | None) -> None:
        line = text_line(value)
        if line:
            blocks.append(line)

    add(article.title)
    blocks.append(REPORTER_LABEL)
    for name in article.reporters:
        add(name)
    editors = _lines(article.editors)
    if editors:
        blocks.append(EDITOR_LABEL)
        blocks.extend(editors)
    add(article.image_caption)
    bullets = _lines(article.summary)
    if bullets:
        blocks.append("\n".join([SUMMARY_HEADING, *bullets]))
    body = _lines(article.body)
    prefix = dateline_prefix(article)
    if prefix:
        if body:
            body[0] = prefix + body[0]
        else:
            body = [prefix.strip()]
    blocks.extend(body)
    blocks.extend(READ_ALSO_PREFIX + title for title in _lines([link.title for link in article.read_also]))
    pick = text_line(article.editors_pick.title) if article.editors_pick else ""
    if pick:
        blocks.append(EDITORS_PICK_PREFIX + pick)
    add(article.closing_credit)
    printed = text_line(article.print_title)
    if printed:
        blocks.append(PRINT_TITLE_NOTE.format(printed))
    related = [(r, title) for r in article.related if (title := text_line(r.title))]
    if related:
        blocks.append(RELATED_HEADING)
        for r, title in related:
            blocks.append(title)
            add(r.relative_time)
            caption = text_line(r.image_caption)
            blocks.append(f"{caption}\n{title}" if caption else title)
            add(r.summary)
    return "\n\n".join(blocks) + "\n"


def text_file_name(article: Article) -> str | None:
    """``<id>.txt`` for an old-system article, ``b-<id>.txt`` for a new-site one (the two systems number
    their articles separately, so one id can name two articles: :mod:`tempo_crawler.identity`); None when
    the item has no id usable as a file name."""
    aid = (article.id or "").strip()
    if not _SAFE_NAME.match(aid):
        return None
    key = item_key(article.url, aid) or ""
    return f"b-{aid}.txt" if key.startswith("b:") else f"{aid}.txt"


class TextFormPipeline:
    """Write every article's text form to ``TEMPO_TEXT_DIR/<id>.txt`` (default ``output/text/``).

    Written by cron runs; a one-off ``-o``/``-O`` export only when ``TEMPO_TEXT_DIR`` is set explicitly
    (``-s TEMPO_TEXT_DIR=…``); ``scrapy parse``/``check``/``shell`` never (:class:`RunContext`).

    Stats: ``tempo/text_form/written``; ``tempo/text_form/write_error`` (logged, the item goes on, the run
    exits 1); ``tempo/text_form/skipped_no_id``. The item itself is passed on unchanged.

    A text file that cannot be written is never half there (temporary file + rename). With the seen-store,
    it is noted as missing (``text_missing``), and at the end of the next run (or ``scrapy state
    rebuild-text``) the missing ones are written from the JSON Lines files (``tempo/text_form/rebuilt``).

    In a crawl (``from_crawler``, ``threaded``) the files are written by Twisted's thread pool in batches
    (:data:`BATCH_FILES`, :func:`~tempo_crawler.files.write_atomic_many`: each file fsynced before its rename,
    the fsyncs grouped), beside the crawl instead of blocking it; a file counts as written (and leaves
    ``text_missing``) once its batch is on disk, and the spider's close waits for every batch. A killed run's
    articles are noted missing by the recovery and written by the next run. Built directly, the pipeline
    writes before ``process_item`` returns.
    """

    def __init__(self, directory: str | os.PathLike[str] = DEFAULT_TEXT_DIR, stats: Any = None,
                 context: RunContext | None = None, threaded: bool = False) -> None:
        self.directory = Path(directory)
        self.stats = stats
        self.context = context
        self.threaded = threaded
        self._batch: list[tuple[Path, str, str | None]] = []
        self._batch_since = time.monotonic()
        self._writing: list[Any] = []   # Deferreds of the batches being written
        self._failed_now: set[str] = set()   # this run's failures: the next run retries them, not this one

    @classmethod
    def from_crawler(cls, crawler: Any) -> TextFormPipeline:
        context = RunContext.writing(crawler, "text")
        return cls(crawler.settings.get("TEMPO_TEXT_DIR") or DEFAULT_TEXT_DIR, crawler.stats, context,
                   threaded=True)

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
        text = to_text(article)
        if self.threaded:
            self._batch.append((path, text, article.id))
            if len(self._batch) >= BATCH_FILES or time.monotonic() - self._batch_since >= BATCH_SECONDS:
                self._write_batch()
            return item
        try:
            write_atomic(path, text)
        except Exception as exc:  # never crash the crawl over a text file
            self._failed(path, exc, article.id)
        else:
            self._written([article.id])
        return item

    def _write_batch(self) -> None:
        """Hand the batch to the thread pool; its outcome is counted (and noted) on the reactor's thread."""
        from twisted.internet.threads import deferToThread

        batch, self._batch, self._batch_since = self._batch, [], time.monotonic()
        if not batch:
            return
        done = deferToThread(write_atomic_many, [(path, text) for path, text, _ in batch])
        done.addCallback(self._batch_written, batch)
        done.addErrback(lambda failure: self._batch_written([failure.value] * len(batch), batch))
        self._writing.append(done)

    def _batch_written(self, errors: list[BaseException | None], batch: list[tuple[Path, str, str | None]]) -> None:
        written = []
        for (path, _, article_id), exc in zip(batch, errors, strict=True):
            if exc is None:
                written.append(article_id)
            else:  # never crash the crawl over a text file
                self._failed(path, exc, article_id)
        if written:
            self._written(written)

    def _written(self, article_ids: list[str | None]) -> None:
        if self.stats is not None:
            self.stats.inc_value("tempo/text_form/written", len(article_ids))
        if self.store is not None:
            self.store.text_written(article_ids)

    def _failed(self, path: Path, exc: Exception, article_id: str | None) -> None:
        logger.error("text form: cannot write %s: %s", path, exc)
        self._inc("write_error")
        if article_id:
            self._failed_now.add(article_id)
        if self.store is not None:
            self.store.note_text_missing([article_id], f"{type(exc).__name__}: {exc}")

    async def close_spider(self) -> None:
        """Wait for the last batches; then catch up: write the text files earlier runs could not (from the
        JSON Lines files)."""
        if self._batch:
            self._write_batch()
        if self._writing:
            from scrapy.utils.defer import maybe_deferred_to_future
            from twisted.internet.defer import DeferredList

            writing, self._writing = self._writing, []
            await maybe_deferred_to_future(DeferredList(writing))
        self.catch_up()

    def catch_up(self) -> None:
        if self.store is None:
            return
        from tempo_crawler.exporters.text_rebuild import rebuild_missing

        try:
            done = rebuild_missing(self.store, self.directory, skip=self._failed_now)
        except OSError as exc:   # the shared store is gone (Redis): said once by the run's end; caught up later
            logger.warning("text form: missing text files left for the next run (%s)", exc)
            return
        for key, value in (("rebuilt", done.written), ("write_error", done.failed), ("rebuild_not_found",
                                                                                   done.not_found)):
            if value and self.stats is not None:
                self.stats.inc_value(f"tempo/text_form/{key}", value)
        if done.written:
            logger.info("text form: wrote %d text file(s) missing since earlier runs", done.written)
