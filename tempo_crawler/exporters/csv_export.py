"""CSV feed exporter: one row per article, columns in ``ARTICLE_FIELDS`` order (docs/exports.md).

Cell conventions:

* null → empty cell;
* ``reporters``, ``editors``, ``tags`` → values joined with ``" | "``;
* ``body``, ``summary`` → paragraphs / bullets joined with a blank line (``"\\n\\n"``), as in the text form; the
  cell is quoted;
* ``editors_pick``, ``read_also``, ``related`` → compact JSON (UTF-8, not ASCII-escaped); ``[]`` when empty,
  empty cell when ``editors_pick`` is null;
* booleans → ``true`` / ``false``; numbers as written; strings as they are.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Any

from scrapy.exporters import CsvItemExporter

from tempo_crawler.items import ARTICLE_FIELDS

LIST_SEPARATOR = " | "
PARAGRAPH_SEPARATOR = "\n\n"
JOINED_FIELDS = frozenset({"reporters", "editors", "tags"})
PARAGRAPH_FIELDS = frozenset({"body", "summary"})
JSON_FIELDS = frozenset({"editors_pick", "read_also", "related"})


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def csv_cell(name: str, value: Any) -> str:
    """The CSV text of one field value (see the module doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in JSON_FIELDS or isinstance(value, dict) or is_dataclass(value):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, (list, tuple)):
        sep = PARAGRAPH_SEPARATOR if name in PARAGRAPH_FIELDS else LIST_SEPARATOR
        if name not in JOINED_FIELDS | PARAGRAPH_FIELDS and any(not isinstance(v, str) for v in value):
            return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
        return sep.join(str(v) for v in value)
    return str(value)


class TempoCsvItemExporter(CsvItemExporter):
    """Scrapy's CSV exporter with Tempo's cell conventions and ``ARTICLE_FIELDS`` as the default columns
    (a feed's ``fields`` / ``FEED_EXPORT_FIELDS`` still wins)."""

    def __init__(self, file: Any, include_headers_line: bool = True, join_multivalued: str = LIST_SEPARATOR,
                 errors: str | None = None, **kwargs: Any) -> None:
        if not kwargs.get("fields_to_export"):
            kwargs["fields_to_export"] = list(ARTICLE_FIELDS)
        super().__init__(file, include_headers_line=include_headers_line, join_multivalued=join_multivalued,
                         errors=errors, **kwargs)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        serializer = field.get("serializer") if hasattr(field, "get") else None
        if serializer:
            return serializer(value)
        return csv_cell(name, value)
