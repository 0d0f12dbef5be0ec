"""Check every item against ``tempo_crawler/schema/article.schema.json`` (JSON Schema 2020-12) and drop
the ones that break it. On unless the setting ``TEMPO_VALIDATE_SCHEMA`` is false."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Any

from itemadapter import ItemAdapter, is_item
from jsonschema import Draft202012Validator
from scrapy.exceptions import DropItem, NotConfigured

from tempo_crawler.items import Article, article_to_dict

logger = logging.getLogger(__name__)
_MAX_MESSAGE = 300


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    text = resources.files("tempo_crawler").joinpath("schema", "article.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    schema = article_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def as_plain(item: Any) -> dict[str, Any]:
    if isinstance(item, Article):
        return article_to_dict(item)
    if isinstance(item, dict):
        return item
    return ItemAdapter(item).asdict()


def schema_errors(item: Any) -> list[str]:
    """``"<path>: <message>"`` for every way the item breaks the schema (empty when it is valid)."""
    out = []
    for err in sorted(validator().iter_errors(as_plain(item)), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "/".join(str(p) for p in err.absolute_path) or "(item)"
        msg = err.message if len(err.message) <= _MAX_MESSAGE else err.message[:_MAX_MESSAGE] + "…"
        out.append(f"{where}: {msg}")
    return out


class SchemaValidationPipeline:
    """Drop (``DropItem``, logged by Scrapy with the messages) items that break the article schema;
    counts ``tempo/dropped/schema_invalid``."""

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats
        validator()  # fail at start-up, not on the first item, if the schema is broken

    @classmethod
    def from_crawler(cls, crawler: Any) -> SchemaValidationPipeline:
        if not crawler.settings.getbool("TEMPO_VALIDATE_SCHEMA", True):
            raise NotConfigured("TEMPO_VALIDATE_SCHEMA is off")
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not (isinstance(item, (Article, dict)) or is_item(item)):
            return item
        errors = schema_errors(item)
        if errors:
            if self.stats is not None:
                self.stats.inc_value("tempo/dropped/schema_invalid")
            url = as_plain(item).get("url")
            raise DropItem(f"schema-invalid article {url}: " + "; ".join(errors))
        if self.stats is not None:
            self.stats.inc_value("tempo/schema/valid")
        return item
