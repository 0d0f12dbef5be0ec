"""What the Redis stores share: Redis errors as :class:`~tempo_crawler.state.backend.StoreUnavailable` (their
one line: :func:`tempo_crawler.failures.redis_line`), and reading Redis' byte replies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import redis

from tempo_crawler.failures import redis_line
from tempo_crawler.state.backend import StoreUnavailable

F = TypeVar("F", bound=Callable[..., Any])


def unavailable(where: str, exc: BaseException, what: str) -> StoreUnavailable:
    """The :class:`StoreUnavailable` for a Redis error met while doing ``what`` (the password never shows)."""
    return StoreUnavailable(redis_line(where, exc, what))


def guarded(method: F) -> F:
    """Turn Redis errors of a store method into :class:`StoreUnavailable`."""
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise unavailable(self.path, exc, f"shared state: {method.__name__.strip('_')} failed") from None
    return wrapper  # type: ignore[return-value]


def text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def as_dict(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {text(k) or "": text(v) or "" for k, v in raw.items()}
