"""Pages that match no known layout are not guessed at: they are kept for a human to look at."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path


def save(directory: str | Path, url: str, body: bytes, reason: str) -> Path:
    """Write ``<sha1>.html`` (the page as fetched) and ``<sha1>.json`` (URL, reason, time); return the HTML path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    html_path = directory / f"{stem}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, html_path)
    meta = {"url": url, "reason": reason, "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "file": html_path.name}
    (directory / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return html_path
