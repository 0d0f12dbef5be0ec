"""Every ``TEMPO_*`` setting, declared once: its meaning and how its value is checked.

:func:`check_settings` reads the crawl's settings (``settings.py``, ``-s NAME=VALUE``) and raises
:class:`SettingError` with a one-line message naming the first setting that cannot be used; a ``TEMPO_*``
name it does not know (a typo such as ``-s TEMPO_BASE_URL=…`` misspelt) is refused with the closest known
name. A setting of ``settings.py`` not declared here is still checked, by the type of its default.
The crawl command calls it before anything starts (:mod:`tempo_crawler.commands.usage`); the components
keep reading the settings with Scrapy's getters, which then cannot fail.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tempo_crawler.arguments import RENDER_MODES, ArgumentError, shown, web_url

STATE_MODES = ("auto", "on", "off")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class SettingError(ArgumentError):
    """A setting that cannot be used; the message is one line for the operator."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(value: Any) -> list[str]:
    """A list setting as Scrapy reads it: a list, or a comma-separated string."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in _text(value).split(",") if v.strip()]


def _number(kind: type, low: float, high: float | None = None) -> Callable[[Any], Any]:
    word = "a whole number" if kind is int else "a number"

    def read(value: Any) -> Any:
        if isinstance(value, bool):
            raise SettingError(f"expected {word}")
        try:
            n = kind(_text(value)) if kind is int else float(_text(value))
        except ValueError:
            raise SettingError(f"expected {word}") from None
        if n < low or (high is not None and n > high):
            bound = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
            raise SettingError(f"expected {word} {bound}")
        return n

    return read


def _url(value: Any) -> str:
    return web_url(_text(value))


def _optional_url(value: Any) -> str:
    return _url(value) if _text(value) else ""


def _path(value: Any) -> str:
    text = _text(value)
    if not text:
        raise SettingError("expected a path")
    return text


def _optional_path(value: Any) -> str:
    return _text(value)


def _slug(value: Any) -> str:
    text = _text(value)
    if not _SLUG.match(text):
        raise SettingError("expected a rubric slug such as internasional")
    return text


def _slugs(value: Any) -> list[str]:
    slugs = _list(value)
    if not slugs:
        raise SettingError("expected one or more rubric slugs")
    return [_slug(s) for s in slugs]


def _one_of(choices: Iterable[str]) -> Callable[[Any], str]:
    choices = tuple(choices)

    def read(value: Any) -> str:
        text = _text(value).lower()
        if text not in choices:
            raise SettingError(f"expected one of {', '.join(choices)}")
        return text

    return read


def _sources(value: Any) -> list[str]:
    from tempo_crawler.sources import NAMES

    names = _list(value)
    if not names:
        raise SettingError(f"expected one or more of {','.join(NAMES)}")
    for name in names:
        if name not in NAMES:
            close = difflib.get_close_matches(name, NAMES, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known: {','.join(NAMES)}"
            raise SettingError(f"unknown source {name!r}; {hint}")
    return names


def _layouts(value: Any) -> list[str]:
    from tempo_crawler.layouts import enabled

    names = _list(value)
    try:
        enabled(names)
    except ValueError as exc:
        raise SettingError(str(exc).split(": ", 1)[-1]) from None
    return names


def _output_template(value: Any) -> str:
    text = _path(value)
    try:
        text % {"name": "world", "run_stamp": "20250101T000000Z", "time": "20250101T000000Z", "worker": "w1"}
    except (KeyError, ValueError, TypeError):
        raise SettingError("expected a file name; placeholders: %(name)s, %(run_stamp)s, %(worker)s") from None
    return text


def _flag(value: Any) -> bool:
    """What Scrapy's ``settings.getbool`` accepts (``True``/``False``, ``true``/``false``, ``1``/``0``)."""
    from scrapy.settings import BaseSettings

    try:
        return BaseSettings({"value": value}).getbool("value")
    except ValueError:
        raise SettingError("expected True/False or 1/0") from None


def _redis_url(value: Any) -> str:
    """Empty (one machine), or a Redis URL (distributed runs; tempo_crawler/distributed/config.py)."""
    from tempo_crawler.distributed.config import url_problem

    text = _text(value)
    problem = url_problem(text) if text else None
    if problem:
        raise SettingError(problem)
    return text


def _redis_prefix(value: Any) -> str:
    text = _text(value)
    try:
        text % {"spider": "world"}
    except (KeyError, ValueError, TypeError):
        raise SettingError("expected a key prefix; placeholder: %(spider)s") from None
    if not text:
        raise SettingError("expected a key prefix such as tempo:%(spider)s:")
    return text


def _optional_number(kind: type, low: float) -> Callable[[Any], Any]:
    read = _number(kind, low)
    return lambda value: None if value is None or _text(value) == "" else read(value)


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    read: Callable[[Any], Any]


SETTINGS: tuple[Setting, ...] = (
    Setting("TEMPO_BASE_URL", "origin of every current-site endpoint (http(s) URL)", _url),
    Setting("TEMPO_RUBRIC", "rubric listed", _slug),
    Setting("TEMPO_SECTIONS", "new-site rubrics kept", _slugs),
    Setting("TEMPO_SOURCES", "discovery sources to run", _sources),
    Setting("TEMPO_LEGACY_RSS_URL", "the old world feed (empty: the default)", _optional_url),
    Setting("TEMPO_API_PAGE_SIZE", "API page size", _number(int, 1, 100)),
    Setting("TEMPO_MAX_LISTING_PAGES", "paging bound per source", _number(int, 1)),
    Setting("TEMPO_QUARANTINE_DIR", "pages of unknown layout", _path),
    Setting("TEMPO_STATS_FILE", "the run's stats as JSON (empty: off)", _optional_path),
    Setting("TEMPO_TEXT_DIR", "the text form, one <id>.txt per article", _path),
    Setting("TEMPO_VALIDATE_SCHEMA", "drop items that do not validate against the schema", _flag),
    Setting("TEMPO_RENDER", "default of -a render", _one_of(RENDER_MODES)),
    Setting("TEMPO_CHROMIUM_PATH", "the chromium binary (empty: search)", _optional_path),
    Setting("TEMPO_RENDER_WAIT_TIMEOUT", "seconds to wait for content inserted after load", _number(float, 0.1)),
    Setting("TEMPO_RENDER_CONTEXT_PAGES", "pages per browser context", _number(int, 1)),
    Setting("TEMPO_STATE_PATH", "the seen-store", _path),
    Setting("TEMPO_STATE_MODE", "auto, on or off", _one_of(STATE_MODES)),
    Setting("TEMPO_OUTPUT", "the run's exactly-once file", _output_template),
    Setting("TEMPO_REFETCH_WINDOW_HOURS", "articles this recent are fetched again", _number(float, 0)),
    Setting("TEMPO_EXPORT_SYNC_ITEMS", "fsync + commit every N lines", _number(int, 1)),
    Setting("TEMPO_EXPORT_SYNC_SECONDS", "…or when the oldest unsynced line is this old", _number(float, 0)),
    Setting("TEMPO_LOCK_WAIT_SECONDS", "wait this long for a previous run's lock", _number(float, 0)),
    Setting("TEMPO_LOCK_BUSY_EXIT", "exit status of a run skipped by the lock", _number(int, 0, 255)),
    Setting("TEMPO_LAYOUTS", "layouts the parsers may use (empty: all)", _layouts),
    Setting("TEMPO_ARCHIVE_ENABLED", "archive every fetched page (WARC)", _flag),
    Setting("TEMPO_ARCHIVE_DIR", "the archive's folder", _path),
    Setting("TEMPO_ARCHIVE_MAX_FILE_BYTES", "an archive file is closed past this size", _number(int, 1)),
    Setting("TEMPO_ARCHIVE_RETENTION_DAYS", "closed archive files older than this are removed; 0: keep",
            _number(float, 0)),
    Setting("TEMPO_ARCHIVE_MAX_RECORD_BYTES", "a larger response is not archived", _number(int, 1)),
    Setting("TEMPO_REPLAY", "set by scrapy reparse: downloads answered from the archive", _flag),
    # distributed runs (docs/distributed.md); the combination with -a worker/role and -o is checked by
    # tempo_crawler.distributed.config.check_run
    Setting("TEMPO_REDIS_URL", "redis://[:password@]host:port/db: a distributed run (empty: one machine)",
            _redis_url),
    Setting("TEMPO_REDIS_PREFIX", "prefix of the shared state's Redis keys", _redis_prefix),
    Setting("TEMPO_REDIS_IDLE_S", "a worker stops once the shared queue stayed empty this long",
            _number(float, 0.01)),
    Setting("TEMPO_REDIS_LEASE_S", "a dead worker's articles go back to the queue after this", _number(float, 0.1)),
    Setting("TEMPO_REDIS_CYCLE_S", "-a role=auto discovers at most once per this many seconds", _number(float, 0)),
    Setting("TEMPO_REDIS_RATE", "requests/s per host for all workers (empty: 1/DOWNLOAD_DELAY; 0: off)",
            _optional_number(float, 0)),
    Setting("TEMPO_REDIS_BURST", "requests a host may get back to back", _number(int, 1)),
    Setting("TEMPO_REDIS_TICK_S", "how often an idle worker looks at the shared queue", _number(float, 0.01)),
)
NAMES = tuple(s.name for s in SETTINGS)


def _json_object(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(_text(value))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SettingError("expected a JSON object")
    return data


def reader_for_default(default: Any) -> Callable[[Any], Any]:
    """How to check a setting that is not declared here, from the type of its default in ``settings.py``."""
    if isinstance(default, bool):
        return _flag
    if isinstance(default, int):
        return _number(int, -float("inf"))
    if isinstance(default, float):
        return _number(float, -float("inf"))
    if isinstance(default, (list, tuple)):
        return _list
    if isinstance(default, dict):
        return _json_object
    return _text


def project_defaults() -> dict[str, Any]:
    """``TEMPO_*`` settings of the project's settings module and their defaults."""
    from tempo_crawler import settings as project

    return {n: getattr(project, n) for n in dir(project) if n.startswith("TEMPO_")}


def readers() -> dict[str, Callable[[Any], Any]]:
    """Every known ``TEMPO_*`` setting → its check: the declared one, else one by its default's type (a
    setting added to ``settings.py`` is checked at once; declaring it here adds ranges, URLs, choices)."""
    found = {name: reader_for_default(default) for name, default in project_defaults().items()}
    found.update({s.name: s.read for s in SETTINGS})
    return found


def check_settings(settings: Any) -> dict[str, Any]:
    """The checked value of every ``TEMPO_*`` setting present; :class:`SettingError` on the first bad one."""
    known = readers()
    out: dict[str, Any] = {}
    for name in sorted(str(k) for k in settings.attributes if str(k).startswith("TEMPO_")):
        value = settings.get(name)
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean -s {close[0]}=…?" if close else ""
            raise SettingError(f"-s {name}={shown(value)}: unknown setting{hint}")
        try:
            out[name] = known[name](value)
        except ArgumentError as exc:
            raise SettingError(f"-s {name}={shown(value)}: {exc}") from None
    return out
