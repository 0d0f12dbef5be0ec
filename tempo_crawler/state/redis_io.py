"""What the Redis stores share: Redis errors as :class:`StoreUnavailable`, and reading Redis' byte replies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import redis


class StoreUnavailable(OSError):
    """Redis could not be reached or refused a command: a failed write of the store, like a full disk for
    SQLite (the writer keeps its file unpublished for recovery; the run ends with an error)."""


F = TypeVar("F", bound=Callable[..., Any])


def guarded(method: F) -> F:
    """Turn Redis errors of a store method into :class:`StoreUnavailable` (the password never shows)."""
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise StoreUnavailable(f"state {self.path}: {type(exc).__name__}: {exc}") from None
    return wrapper  # type: ignore[return-value]


def text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def as_dict(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {text(k) or "": text(v) or "" for k, v in raw.items()}
