"""Shared by the exporter tests: the two A2 sample dumps, their expected items and text forms."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from tempo_crawler.items import Article, article_from_dict
from tests.support.golden import FIXTURES, Golden

HERE = Path(__file__).resolve().parents[1] / "exporters"
EXPECTED_TEXT = HERE / "expected"                     # hand-written text forms + hand-made items
RAW = HERE / "raw"                                    # redacted copies of the raw sample dumps
# How each page printed its dateline (docs/site.md §8): 002 glued "TEMPO.CO, Jakarta" to "NATO…".
GLUED = {"sample-000": False, "sample-002": True}
SAMPLES = tuple(GLUED)


def expected_data(name: str) -> tuple[dict[str, Any], str, datetime | None]:
    """``(item, where from, fetch time)``: the golden case ``tests/layouts/<code>/<name>/`` when it exists
    (fetch time from its meta.json), else this folder's hand-made item (no fetch time)."""
    cases = sorted(FIXTURES.glob(f"*/{name}/expected.json"))
    if cases:
        golden = Golden.load(cases[0].parent)
        return golden.expected, golden.name, golden.fetched_at
    path = EXPECTED_TEXT / f"handmade-{name}.json"
    return json.loads(path.read_text("utf-8")), path.name, None


def expected_item(name: str) -> Article:
    data, _, _ = expected_data(name)
    article = article_from_dict(data)
    assert article.dateline_glued == GLUED[name]
    return article


def raw_paths(name: str) -> list[Path]:
    """The redacted in-repo copy of the sample dump (tests never read outside the repository)."""
    return [RAW / f"{name}.txt"]


# --- the sample file minus the lines the text form leaves out (the list) ---------------------
_DROP = {
    "image-gnews", "Iklan", "Scroll Untuk Melanjutkan", "Rekomendasi Artikel",
    "Konten sponsor pada widget ini merupakan konten yang dibuat dan ditampilkan pihak ketiga, bukan redaksi "
    "Tempo. Tidak ada aktivitas jurnalistik dalam pembuatan konten ini.",
}


def _norm(line: str) -> str:
    """Within-line whitespace as the item holds it: NBSP is a space, runs collapsed, ends trimmed."""
    return " ".join(line.replace("\u00a0", " ").split())


def sample_minus_chrome(text: str) -> list[str]:
    """Drop: the login / e-mail block (up to ``Kirimkan Lagi Sekarang``), ``image-gnews``, the second copy
    of a line printed twice in a row (the caption), every ``Iklan``, ``Scroll Untuk Melanjutkan``,
    ``Rekomendasi Artikel``, the sponsor disclaimer and blank-only lines; then collapse blank runs."""
    lines = text.split("\n")
    end_login = next(i for i, ln in enumerate(lines) if ln.strip() == "Kirimkan Lagi Sekarang")
    kept: list[str] = []
    prev = None
    for raw in lines[end_login + 1:]:
        line = _norm(raw)
        if not (line in _DROP or (line and line == prev)):
            kept.append(line)
        prev = line
    return _collapse_blank_runs(kept)


def text_lines(text: str) -> list[str]:
    """A text form as lines, for the same comparison: whitespace-normalised, blank runs collapsed."""
    return _collapse_blank_runs([_norm(raw) for raw in text.split("\n")])


def _collapse_blank_runs(lines: list[str]) -> list[str]:
    """No leading or trailing blank line, one blank line where there were several."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1] != ""):
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
