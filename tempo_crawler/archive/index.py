"""What the archive holds: every ``response`` record (a *capture*: URL, time, status, file and offset), which
captures are quarantined, and what could not be read. Built by reading every file once (headers only are kept
in memory; payloads are read again on demand with :func:`payload`).

* :func:`select` — the article pages ``scrapy reparse`` re-extracts: one capture per article (its latest
  readable one), filtered by capture day, article id, layout or quarantine mark.
* :class:`Replay` — the capture to serve for a request URL (the latest readable one, rendered or not).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from warcio.exceptions import ArchiveLoadFailed

from tempo_crawler.archive import FINAL_URI, KIND, OPEN, QUARANTINE, RENDERED
from tempo_crawler.archive.reader import Member, Problem, archive_files, members, parse, read_at
from tempo_crawler.archive.writer import lock_nowait
from tempo_crawler.identity import request_key
from tempo_crawler.urls import article_id, is_amp_url, is_continuation, url_era


@dataclass(frozen=True)
class Capture:
    """One archived response."""

    file: Path
    offset: int
    length: int
    record_id: str
    uri: str                   # the request URL (WARC-Target-URI)
    fetched_at: datetime
    status: int
    kind: str | None
    rendered: bool
    final_uri: str | None = None
    original: Capture | None = None   # a revisit record: the response record that holds the payload

    @property
    def readable(self) -> bool:
        """A page the spider can read (not an error page or a redirect hop)."""
        return 200 <= self.status < 300

    @property
    def is_article_page(self) -> bool:
        """The first page of an article (continuations ``?page_num=N`` are fetched by the spider itself)."""
        return url_era(self.uri) is not None and not is_continuation(self.uri)


@dataclass
class ArchiveIndex:
    files: list[Path] = field(default_factory=list)
    records: int = 0                                         # WARC records read
    captures: list[Capture] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)  # response record id -> reason
    problems: list[Problem] = field(default_factory=list)    # unreadable bytes in closed files or dead writers' files
    torn: list[Problem] = field(default_factory=list)        # the torn last record of a dead writer's .open file
    live: list[Path] = field(default_factory=list)           # .open files a running writer holds (read as they are)
    by_id: dict[str, Capture] = field(default_factory=dict)   # response captures by record id

    @classmethod
    def build(cls, directory: Path, keep: Callable[[str, str | None], bool] = lambda uri, kind: True) -> ArchiveIndex:
        """Read every file of ``directory``; keep the captures that pass ``keep(url, Tempo-Kind)``."""
        index = cls(files=archive_files(directory))
        for path in index.files:
            live = path.name.endswith(OPEN) and _held(path)
            if live:
                index.live.append(path)
            for found in members(path):
                if isinstance(found, Problem):
                    if found.tail and path.name.endswith(OPEN):
                        if not live:  # a live writer's last record may just be half-written
                            index.torn.append(found)
                    else:
                        index.problems.append(found)
                    continue
                index._add(found, keep)
        return index

    def _add(self, member: Member, keep: Callable[[str, str | None], bool]) -> None:
        try:
            record = parse(member)
        except (ArchiveLoadFailed, ValueError) as exc:
            self.problems.append(Problem(member.file, member.offset, f"not a WARC record ({exc})", member.length))
            return
        self.records += 1
        h = record.rec_headers
        if record.rec_type == "metadata" and h.get_header(QUARANTINE) is not None:
            target = h.get_header("WARC-Refers-To")
            if target:
                self.quarantined[target] = h.get_header(QUARANTINE)
            return
        if record.rec_type not in ("response", "revisit"):
            return
        uri = h.get_header("WARC-Target-URI") or ""
        if not keep(uri, h.get_header(KIND)):
            return
        original = None
        if record.rec_type == "revisit":
            original = self.by_id.get(h.get_header("WARC-Refers-To") or "")
            if original is None:
                self.problems.append(Problem(member.file, member.offset, "revisit record refers to a response "
                                             f"not in the archive ({h.get_header('WARC-Refers-To')})", member.length))
                return
        http = record.http_headers
        try:
            status = int(http.get_statuscode()) if http is not None else 0
        except ValueError:
            status = 0
        capture = Capture(
            file=member.file, offset=member.offset, length=member.length, record_id=h.get_header("WARC-Record-ID"),
            uri=uri, fetched_at=parse_warc_date(h.get_header("WARC-Date")), status=status,
            kind=h.get_header(KIND), rendered=(h.get_header(RENDERED) or "").lower() == "true",
            final_uri=h.get_header(FINAL_URI), original=original)
        self.captures.append(capture)
        if original is None:
            self.by_id[capture.record_id] = capture

    def is_quarantined(self, capture: Capture) -> bool:
        return capture.record_id in self.quarantined


def _held(path: Path) -> bool:
    """Does a running writer hold this ``.open`` file?"""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        return not lock_nowait(fd)
    finally:
        os.close(fd)


def parse_warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def payload(capture: Capture) -> tuple[Any, bytes]:
    """(warcio HTTP headers, payload bytes as received) of a capture (a revisit's payload from its original)."""
    record = read_at(capture.file, capture.offset, capture.length)
    source = capture.original
    body = record.raw_stream.read() if source is None else \
        read_at(source.file, source.offset, source.length).raw_stream.read()
    return record.http_headers, body


# ------------------------------------------------------------------------------------------ selection
@dataclass
class Selection:
    captures: list[Capture]          # one per article, the capture the spider starts from
    considered: int                  # article pages (first pages) among the captures


def select(index: ArchiveIndex, *, since: date | None = None, until: date | None = None,
           ids: Iterable[str] = (), quarantined: bool = False,
           layout_of: Callable[[Capture], str | None] | None = None, layouts: Iterable[str] = ()) -> Selection:
    """One capture per article to re-extract: the latest readable first page captured within [since, until]
    (UTC days, inclusive), of the given ids, of an article with a quarantined capture, of the given layouts
    (``layout_of`` tells a capture's layout as the current parsers see it). Desktop pages before AMP ones."""
    wanted_ids, wanted_layouts = set(ids), set(layouts)
    by_article: dict[str, list[Capture]] = defaultdict(list)
    considered = 0
    for c in index.captures:
        if not c.is_article_page:
            continue
        considered += 1
        day = c.fetched_at.date()
        if (since and day < since) or (until and day > until):
            continue
        if wanted_ids and article_id(c.uri) not in wanted_ids:
            continue
        by_article[request_key(c.uri)].append(c)
    chosen: list[Capture] = []
    for caps in by_article.values():
        if quarantined and not any(index.is_quarantined(c) for c in caps):
            continue
        readable = [c for c in caps if c.readable] or caps
        best = max(readable, key=lambda c: (not is_amp_url(c.uri), not c.rendered, c.fetched_at))
        if wanted_layouts and (layout_of is None or layout_of(best) not in wanted_layouts):
            continue
        chosen.append(best)
    chosen.sort(key=lambda c: c.fetched_at)
    return Selection(chosen, considered)


# ------------------------------------------------------------------------------------------ replay
class Replay:
    """Which capture answers a request: per URL and kind (rendered or not), the latest readable capture up to
    ``until`` (else the latest capture at all: an error page is served as the error it was); a request for
    the other kind falls back to what there is."""

    def __init__(self, captures: Iterable[Capture], until: datetime | None = None) -> None:
        best: dict[tuple[str, bool], Capture] = {}
        for c in captures:
            if until is not None and c.fetched_at >= until:
                continue
            key = (c.uri, c.rendered)
            old = best.get(key)
            if old is None or (c.readable, c.fetched_at) > (old.readable, old.fetched_at):
                best[key] = c
        self.best = best

    def find(self, url: str, rendered: bool) -> Capture | None:
        return self.best.get((url, rendered)) or self.best.get((url, not rendered))

    def __len__(self) -> int:
        return len(self.best)
