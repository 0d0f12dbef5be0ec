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


def check_url(url: str) -> str:
    """The URL if it is a usable Redis URL; else :class:`ConfigError` (the message never holds the password)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"TEMPO_REDIS_URL={redact(url)!r}: not a URL ({exc})") from None
    if parts.scheme not in SCHEMES:
        raise ConfigError(f"TEMPO_REDIS_URL={redact(url)!r}: expected redis://[:password@]host:port/db")
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"TEMPO_REDIS_URL={redact(url)!r}: no host")
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ConfigError(f"TEMPO_REDIS_URL={redact(url)!r}: the database must be a number (/0)")
    del port
    return url


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
        rate = settings.get("TEMPO_REDIS_RATE")
        if rate in (None, ""):
            delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
            rate_value = 1.0 / delay if delay > 0 else 0.0
        else:
            rate_value = float(rate)
        lease = settings.getfloat("TEMPO_REDIS_LEASE_S", 30.0)
        values = cls(idle_s=settings.getfloat("TEMPO_REDIS_IDLE_S", 10.0), lease_s=lease,
                     cycle_s=settings.getfloat("TEMPO_REDIS_CYCLE_S", 60.0), rate=rate_value,
                     burst=max(1, settings.getint("TEMPO_REDIS_BURST", 1)),
                     tick_s=settings.getfloat("TEMPO_REDIS_TICK_S", 0.5))
        for name in ("idle_s", "lease_s", "tick_s"):
            if getattr(values, name) <= 0:
                raise ConfigError(f"TEMPO_REDIS_{name.upper()}: expected a positive number of seconds")
        if values.rate < 0 or values.cycle_s < 0:
            raise ConfigError("TEMPO_REDIS_RATE and TEMPO_REDIS_CYCLE_S cannot be negative")
        return values
