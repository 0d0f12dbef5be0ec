"""The chrome lexicon with one entry taken out, as if it were deleted from ``lexicon.toml``.

Every module that holds :func:`tempo_crawler.text.chrome.lexicon` (by ``import``) sees the reduced data, and the
caches built from it (``lru_cache`` functions in those modules) are cleared before and after. A module that
copies lexicon data at import time would not see the change: the coverage test then reports the entry as not
needed, which points at that copy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from tempo_crawler.text import chrome


def _holders(fn: Any) -> list[tuple[ModuleType, str]]:
    """(module, name) of every loaded project or test module that holds ``fn`` under some name."""
    out = []
    for mod in list(sys.modules.values()):
        name = getattr(mod, "__name__", "") or ""
        if not name.startswith(("tempo_crawler", "tests")):
            continue
        out.extend((mod, attr) for attr, value in list(vars(mod).items()) if value is fn)
    return out


def _clear_caches(modules: set[ModuleType]) -> None:
    for mod in modules:
        for value in list(vars(mod).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == mod.__name__:
                value.cache_clear()


@contextmanager
def lexicon_without(kind: str, entry: str) -> Iterator[dict[str, Any]]:
    """Inside the block, ``lexicon()`` is the lexicon without ``entry`` in its list ``kind``."""
    original = chrome.lexicon
    full = original()
    if entry not in full.get(kind, []):
        raise KeyError(f"{entry!r} is not in the lexicon's {kind!r} list")
    reduced = {**full, kind: [e for e in full[kind] if e != entry]}

    def patched() -> dict[str, Any]:
        return reduced

    patched.cache_clear = lambda: None  # type: ignore[attr-defined]
    holders = _holders(original)
    modules = {mod for mod, _ in holders}
    for mod, attr in holders:
        setattr(mod, attr, patched)
    _clear_caches(modules)
    try:
        yield reduced
    finally:
        for mod, attr in holders:
            setattr(mod, attr, original)
        _clear_caches(modules)
