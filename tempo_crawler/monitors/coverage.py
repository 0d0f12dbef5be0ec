"""Spidermon's field coverage (``SPIDERMON_ADD_FIELD_COVERAGE``), counted in a dict while the run lives and added
to the stats once when the spider closes.

Spidermon itself reads five settings and makes one stats call per filled field of every item (~20 per article);
this counts the same keys by the same rules — ``spidermon_item_scraped_count``,
``spidermon_item_scraped_count/<Item>`` and ``spidermon_item_scraped_count/<Item>/<field>[/<key>...]`` for every
field not skipped (None with ``SPIDERMON_FIELD_COVERAGE_SKIP_NONE``, falsy values with
``SPIDERMON_FIELD_COVERAGE_SKIP_FALSY``, ``SPIDERMON_FIELD_COVERAGE_SKIP_VALUES``), dict values counted down to
``SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS`` — and :meth:`flush` hands the totals to the stats, where Spidermon's
``calculate_field_coverage`` turns them into the ``spidermon_field_coverage/...`` rates the monitors read.
Settings this does not reproduce (list items, ``SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS`` > 0; per-field dict levels)
leave the counting to Spidermon (:meth:`applies`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, is_dataclass
from typing import Any

from itemadapter import ItemAdapter

TOTAL = "spidermon_item_scraped_count"


class FieldCoverage:
    def __init__(self, settings: Any, skip_values: list[Any]) -> None:
        """``skip_values``: ``SPIDERMON_FIELD_COVERAGE_SKIP_VALUES`` as Spidermon reads it."""
        self.skip_none = settings.getbool("SPIDERMON_FIELD_COVERAGE_SKIP_NONE", False)
        self.skip_falsy = settings.getbool("SPIDERMON_FIELD_COVERAGE_SKIP_FALSY", True)
        self.skip_values = list(skip_values)
        self.dict_levels = settings.get("SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS", -1)
        self.list_levels = settings.getint("SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS", 0)
        self.counts: Counter[str] = Counter()
        self._fields: dict[type, tuple[str, ...]] = {}

    @property
    def applies(self) -> bool:
        return self.list_levels <= 0 and not isinstance(self.dict_levels, dict)

    def _skipped(self, value: Any) -> bool:
        if value is None and self.skip_none:
            return True
        if self.skip_falsy and value is not None and not value:
            return True
        # Spidermon's rule: the same type and an equal value (False is not 0)
        return any(type(value) is type(s) and value == s for s in self.skip_values)

    def _items(self, item: Any) -> Any:
        cls = type(item)
        if is_dataclass(item) and not isinstance(item, type):
            names = self._fields.get(cls)
            if names is None:
                names = self._fields[cls] = tuple(f.name for f in fields(item))
            return ((name, getattr(item, name)) for name in names)
        return ItemAdapter(item).items()

    def count(self, item: Any) -> None:
        prefix = f"{TOTAL}/{type(item).__name__}"
        self.counts[TOTAL] += 1
        self.counts[prefix] += 1
        self._count(item, prefix, 0, int(self.dict_levels))

    def _count(self, item: Any, prefix: str, level: int, max_dict: int) -> None:
        counts = self.counts
        for name, value in self._items(item):
            if self._skipped(value):
                continue
            key = f"{prefix}/{name}"
            counts[key] += 1
            if isinstance(value, dict) and (max_dict == -1 or level < max_dict):
                self._count(value, key, level + 1, max_dict)

    def flush(self, stats: Any) -> None:
        """Add the counts so far to ``stats`` (once; counting starts again from zero)."""
        for key, n in self.counts.items():
            stats.inc_value(key, n)
        self.counts.clear()
