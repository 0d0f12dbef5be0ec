"""What a distributed run is configured by, without importing Redis: the URL (its password kept out of every log),
the worker's name, the Redis key names and the tunables.

``TEMPO_REDIS_URL`` is read from the setting, else from the environment variable of the same name (which
keeps a password out of ``ps`` and crontabs). Settings carry it as a :class:`SecretURL`: a ``str`` whose
``repr``/``str`` show ``***`` for the password, so Scrapy's "Overridden settings" line and any log of a
setting print it redacted, while clients built from it connect with the real one.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tempo_crawler.arguments import ArgumentError

ENV = "TEMPO_REDIS_URL"
SHARED = "tempo_shared"    # request meta: an article request for the shared queue (spider → scheduler)
SCHEMES = ("redis", "rediss", "unix")
_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_PASSWORD = re.compile(r"^(\w+://[^:@/]*:)([^@]*)(@)")


class ConfigError(ArgumentError):
    """A distributed setting that cannot be used: a usage error, one line for the operator."""


def redact(url: str) -> str:
    """The URL with its password replaced by ``***`` (user names are kept)."""
    plain = str.__str__(url)
    return _PASSWORD.sub(r"\1***\3", plain)


class SecretURL(str):
    """A Redis URL that prints redacted (``repr``, ``str``, ``format``); :func:`plain` gives the real one."""

    def __repr__(self) -> str:
        return repr(redact(self))

    def __str__(self) -> str:
        return redact(self)

    def __format__(self, spec: str) -> str:
        return format(redact(self), spec)


def plain(url: str) -> str:
    """The real URL behind a :class:`SecretURL` (a plain ``str`` is returned as is)."""
    return str.__str__(url)


def redis_url(settings: Any) -> str | None:
    """``TEMPO_REDIS_URL`` from the settings, else from the environment; None when neither is set."""
    value = settings.get("TEMPO_REDIS_URL") if settings is not None else None
    value = value or os.environ.get(ENV) or None
    return plain(value).strip() or None if value else None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable Redis URL (never showing its password), or None."""
    try:
        parts = urlsplit(url)
        parts.port   # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"not a URL ({redact(str(exc))})"
    if parts.scheme not in SCHEMES:
        return "expected redis://[:password@]host:port/db"
    if parts.scheme != "unix" and not parts.hostname:
        return "no host"
    db = parts.path.strip("/")
    if db and not db.isdigit():
        return "the database must be a number (/0)"
    return None


def check_url(url: str) -> str:
    """The URL if it is a usable Redis URL; else :class:`ConfigError` (the message never holds the password)."""
    problem = url_problem(url)
    if problem:
        raise ConfigError(f"TEMPO_REDIS_URL={redact(url)!r}: {problem}")
    return url


def check_run(settings: Any, args: dict[str, Any]) -> bool:
    """Is this run distributed (``TEMPO_REDIS_URL``, the setting or the environment variable)? A combination
    that cannot be is a :class:`ConfigError` (a usage error, :mod:`tempo_crawler.usage`): ``-a worker``/``-a role``
    without the URL; the URL with ``-o``/``-O``/``FEEDS`` or ``TEMPO_STATE_MODE=off`` (a distributed run keeps
    its state in Redis and writes one file per worker); a URL that is not one."""
    url = redis_url(settings)
    if not url:
        for name in ("worker", "role"):
            if name in args:
                raise ConfigError(f"-a {name}={args[name]}: only for distributed runs "
                                  "(-s TEMPO_REDIS_URL=redis://host:port/0)")
        return False
    check_url(url)
    mode = str(settings.get("TEMPO_STATE_MODE") or "auto").strip().lower()
    if mode == "off" or (mode == "auto" and settings.getdict("FEEDS")):
        raise ConfigError("TEMPO_REDIS_URL: a distributed run keeps its state in Redis and writes one file per "
                          "worker; drop -o/-O/FEEDS and TEMPO_STATE_MODE=off")
    return True


def default_worker() -> str:
    """The host name and pid: every process is its own worker unless ``-a worker=NAME`` is given."""
    return worker_name(f"{socket.gethostname()}-{os.getpid()}")


def worker_name(value: str) -> str:
    """A worker name usable in a file name and a Redis key (other characters become ``_``)."""
    name = _NAME.sub("_", value.strip()).strip("._") or "worker"
    return name[:64]


@dataclass(frozen=True)
class Keys:
    """Every Redis key of one spider's distributed state, under ``TEMPO_REDIS_PREFIX`` (``tempo:world:``).
    The request queue and dupefilter keep scrapy-redis' own names (``world:requests``, ``world:dupefilter``)."""

    prefix: str
    queue: str
    dupefilter: str

    @classmethod
    def of(cls, settings: Any, spider: str) -> Keys:
        prefix = str(settings.get("TEMPO_REDIS_PREFIX") or "tempo:%(spider)s:") % {"spider": spider}
        queue = str(settings.get("SCHEDULER_QUEUE_KEY") or "%(spider)s:requests") % {"spider": spider}
        dupefilter = str(settings.get("SCHEDULER_DUPEFILTER_KEY") or "%(spider)s:dupefilter") % {"spider": spider}
        return cls(prefix, queue, dupefilter)

    def __getattr__(self, name: str) -> str:   # keys.claims → "tempo:world:claims"
        if name.startswith("_"):
            raise AttributeError(name)
        return self.prefix + name

    def of_run(self, kind: str, run_id: str) -> str:
        """``alive:<run>`` (the run's heartbeat), ``rc:<run>`` (its claims), ``run:<run>`` (its record)…"""
        return f"{self.prefix}{kind}:{run_id}"


@dataclass(frozen=True)
class Tunables:
    idle_s: float          # a worker exits once the shared queue stayed empty this long (TEMPO_REDIS_IDLE_S)
    lease_s: float         # a dead worker's claims go back to the queue after this (TEMPO_REDIS_LEASE_S)
    cycle_s: float         # discovery runs at most once per this many seconds (TEMPO_REDIS_CYCLE_S)
    rate: float            # requests per second per host for all workers together; 0: no shared budget
    burst: int             # requests a host may get back to back (TEMPO_REDIS_BURST)
    tick_s: float          # how often the worker loop looks at the queue (TEMPO_REDIS_TICK_S)

    @classmethod
    def of(cls, settings: Any) -> Tunables:
        """The tunables of ``settings`` (their values were checked before the crawl: :mod:`tempo_crawler.config`)."""
        rate = settings.get("TEMPO_REDIS_RATE")
        if rate in (None, ""):
            delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
            rate_value = 1.0 / delay if delay > 0 else 0.0
        else:
            rate_value = float(rate)
        return cls(idle_s=settings.getfloat("TEMPO_REDIS_IDLE_S", 10.0),
                   lease_s=settings.getfloat("TEMPO_REDIS_LEASE_S", 30.0),
                   cycle_s=settings.getfloat("TEMPO_REDIS_CYCLE_S", 60.0), rate=rate_value,
                   burst=max(1, settings.getint("TEMPO_REDIS_BURST", 1)),
                   tick_s=settings.getfloat("TEMPO_REDIS_TICK_S", 0.5))
