"""Pages that match no known layout are not guessed at: they are kept for a human to look at.

The spider saves each one as loose files (:func:`save`) and sends :data:`page_quarantined`; with the archive
on (:mod:`tempo_crawler.archive`), the archive marks the page's response record with a ``metadata`` record
(``Tempo-Quarantine: <reason>``), which ``scrapy reparse --quarantined`` selects, and the JSON note names
that record.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

page_quarantined = object()   # signal: (response, reason)


def save(directory: str | Path, url: str, body: bytes, reason: str, archived: dict[str, Any] | None = None) -> Path:
    """Write ``<sha1>.html`` (the page as fetched) and ``<sha1>.json`` (URL, reason, time, and where the
    archive holds the page when it does); return the HTML path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    html_path = directory / f"{stem}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, html_path)
    meta: dict[str, Any] = {"url": url, "reason": reason,
                            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            "file": html_path.name}
    if archived:
        meta["archive"] = archived
    (directory / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return html_path
