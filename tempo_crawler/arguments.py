"""Every spider argument (``-a name=value``), declared once: its meaning and how its text is read.

:func:`parse_arguments` turns the raw ``-a`` strings into typed values or raises :class:`ArgumentError`
with a one-line message naming the argument (an unknown name gets the closest known one suggested).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RENDER_MODES = ("auto", "always", "never")
ROLES = ("auto", "seed", "worker")   # distributed runs (docs/distributed.md)
_TRUE = ("1", "true", "yes", "on", "y")
_FALSE = ("0", "false", "no", "off", "n", "")


class ArgumentError(ValueError):
    """A spider argument that cannot be used; the message is one line for the operator."""


_PASSWORD = re.compile(r"(://[^/@\s:]*):[^/@\s]*@")


def shown(value: Any) -> str:
    """``repr(value)`` for an error message, a password in a URL (``redis://:secret@host``) masked."""
    return _PASSWORD.sub(r"\1:***@", repr(value))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ArgumentError("expected YYYY-MM-DD") from None


def _count(value: str) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        raise ArgumentError("expected a whole number") from None
    if n < 1:
        raise ArgumentError("expected a whole number of at least 1")
    return n


def web_url(value: str) -> str:
    """``value`` when it is an absolute http(s) URL with a host, else :class:`ArgumentError`."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ArgumentError("expected an http(s) URL such as https://www.tempo.co")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ArgumentError("bad port in the URL") from None
    return value


def page_url(value: str) -> str:
    """An http(s) URL, or a ``file://`` URL of an existing file (a saved page)."""
    parts = urlsplit(value)
    if parts.scheme.lower() == "file":
        if not Path(parts.path).is_file():
            raise ArgumentError("no such file")
        return value
    return web_url(value)


def _urls(value: str) -> list[str]:
    given = [u.strip() for u in value.split(",") if u.strip()]
    if not given:
        raise ArgumentError("expected one or more comma-separated http(s) URLs")
    urls = []
    for url in given:
        try:
            urls.append(page_url(url))
        except ArgumentError as exc:
            raise ArgumentError(f"{shown(url)}: {exc}" if len(given) > 1 else str(exc)) from None
    return urls


def _urls_file(value: str) -> list[str]:
    path = Path(value)
    if not path.is_file():
        raise ArgumentError("no such file" if not path.exists() else "not a file")
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ArgumentError(f"cannot read it ({type(exc).__name__})") from None
    urls = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                urls.append(page_url(line))
            except ArgumentError as exc:
                raise ArgumentError(f"line {number}, {shown(line)}: {exc}") from None
    if not urls:
        raise ArgumentError("the file lists no URL")
    return urls


def _render(value: str) -> str:
    mode = value.strip().lower()
    if mode not in RENDER_MODES:
        raise ArgumentError(f"expected one of {', '.join(RENDER_MODES)}")
    return mode


def _role(value: str) -> str:
    role = value.strip().lower()
    if role not in ROLES:
        raise ArgumentError(f"expected one of {', '.join(ROLES)}")
    return role


def _worker(value: str) -> str:
    name = value.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise ArgumentError("expected a name of letters, digits, '.', '_' or '-' (at most 64)")
    return name


def flag(value: Any) -> bool:
    """``1``/``true``/``yes``/``on`` (any case) → True; ``0``/``false``/``no``/``off``/empty → False."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ArgumentError("expected 1/0, true/false, yes/no or on/off")


@dataclass(frozen=True)
class Argument:
    name: str
    meaning: str
    read: Callable[[str], Any]


ARGUMENTS: tuple[Argument, ...] = (
    Argument("since", "skip articles published before this day (YYYY-MM-DD, WIB)", _day),
    Argument("until", "skip articles published after this day (YYYY-MM-DD, WIB, inclusive)", _day),
    Argument("max_items", "schedule at most N articles", _count),
    Argument("start_urls", "comma-separated URLs to crawl instead of discovering", _urls),
    Argument("urls_file", "a file of URLs to crawl, one a line, # comments", _urls_file),
    Argument("render", "JavaScript rendering: auto, always or never", _render),
    Argument("full", "fetch every listed article again (1/0)", flag),
    Argument("reset", "forget the seen-store before this run (1/0)", flag),
    Argument("worker", "distributed runs: this worker's name (default: host name and pid)", _worker),
    Argument("role", "distributed runs: auto (discover if first this cycle), seed or worker", _role),
)
NAMES = tuple(a.name for a in ARGUMENTS)


def parse_arguments(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values of the given arguments (absent ones are left out)."""
    by_name = {a.name: a for a in ARGUMENTS}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        argument = by_name.get(name)
        if argument is None:
            close = difflib.get_close_matches(name, NAMES, n=1)
            hint = f"; did you mean -a {close[0]}=…?" if close else f"; known: {', '.join(NAMES)}"
            raise ArgumentError(f"-a {name}={shown(value)}: unknown argument{hint}")
        if value is None:
            continue
        try:
            out[name] = argument.read(value) if isinstance(value, str) else argument.read(str(value))
        except ArgumentError as exc:
            raise ArgumentError(f"-a {name}={shown(value)}: {exc}") from None
    if "since" in out and "until" in out and out["since"] > out["until"]:
        raise ArgumentError(f"-a since={out['since']} is after -a until={out['until']}")
    return out
