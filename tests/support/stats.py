"""A stats collector double for pipeline/extension unit tests: ``values`` holds what was counted."""

from __future__ import annotations

from typing import Any


class Stats:
    def __init__(self, **values: Any) -> None:
        self.values: dict[str, Any] = dict(values)

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def inc_value(self, key: str, n: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + n

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def get_stats(self) -> dict[str, Any]:
        return self.values
