"""Text files written again from the JSON Lines exports: the ones the store lists as missing (a failed write,
a killed run), or all of them (``scrapy state rebuild-text``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tempo_crawler.exporters.text_form import text_file_name, to_text
from tempo_crawler.files import write_atomic
from tempo_crawler.identity import mapping_key
from tempo_crawler.items import article_from_dict

if TYPE_CHECKING:
    from tempo_crawler.state.store import SeenStore

logger = logging.getLogger("tempo_crawler.exporters.text_form")


@dataclass
class Rebuilt:
    written: int = 0
    failed: int = 0
    not_found: int = 0       # no line of that article in the file the store names


def _latest_lines(files: Iterable[Path], wanted: set[str] | None) -> dict[str, dict[str, Any]]:
    """The newest line (highest ``version``, then the later one) per article in JSON Lines ``files``, by
    article key (an old-system and a new-site article may share an id); ``wanted``: article ids."""
    latest: dict[str, dict[str, Any]] = {}
    for path in files:
        with open(path, "rb") as fh:
            for raw in fh:
                try:
                    item = json.loads(raw)
                except ValueError:
                    continue
                aid = str(item.get("id") or "") if isinstance(item, dict) else ""
                if not aid or (wanted is not None and aid not in wanted):
                    continue
                key = mapping_key(item) or aid
                if int(item.get("version") or 1) >= int(latest.get(key, {}).get("version") or 0):
                    latest[key] = item
    return latest


def rebuild_texts(files: Iterable[Path], directory: Path, *, only: set[str] | None = None,
                  force: bool = False) -> tuple[Rebuilt, set[str]]:
    """Write each article's text file (:func:`~.text_form.text_file_name`) from its newest line in ``files``
    (only ids in ``only`` when given; only missing text files unless ``force``). Returns the counts and the
    ids written."""
    out, done = Rebuilt(), set()
    for item in _latest_lines(files, only).values():
        aid = str(item["id"])
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


def rebuild_missing(store: SeenStore, directory: Path, skip: set[str] | None = None) -> Rebuilt:
    """Write the text files the store lists as missing (but those of ``skip``), from the JSON Lines files
    holding their articles."""
    by_file: dict[str, set[str]] = {}
    for aid, file in store.texts_missing():
        if not skip or aid not in skip:
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
