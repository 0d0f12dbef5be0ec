"""Usage errors, the Unix way: one line on stderr (``error: -a since='garbage': expected YYYY-MM-DD``) and
exit status 2 (:data:`tempo_crawler.exitcodes.USAGE`), before anything is started, fetched or written.

The commands that start the spider (``crawl``, ``parse``, ``check``) call :func:`check_or_exit` from their
``process_options``: that runs before Scrapy configures logging or creates the crawler process, so
nothing but the one line is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from tempo_crawler.arguments import ArgumentError, parse_arguments
from tempo_crawler.config import check_settings
from tempo_crawler.distributed.config import check_run
from tempo_crawler.exitcodes import USAGE


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` (one line) on stderr and exit with status 2."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(USAGE)


def check(settings: Any, spider_args: Mapping[str, Any] | None) -> None:
    """Every ``TEMPO_*`` setting, then the spider arguments (None: the command takes none)."""
    check_settings(settings)
    if spider_args is not None:
        check_run(settings, parse_arguments(spider_args))   # distributed runs: -a worker/role, -o, the URL


def check_or_exit(settings: Any, spider_args: Mapping[str, Any] | None) -> None:
    try:
        check(settings, spider_args)
    except ArgumentError as exc:
        fail(str(exc))


def scrapy_usage_or_exit(process_options: Callable[[], None]) -> None:
    """Run a Scrapy ``process_options``; its own usage errors (``-a foo`` without ``=``, a bad ``-o``) also
    become one line and exit status 2 (Scrapy prints the usage text and an argparse line)."""
    from scrapy.exceptions import UsageError

    try:
        process_options()
    except UsageError as exc:
        fail(str(exc) or "bad command line; see --help")


def check_spider_or_exit(settings: Any, name: str) -> None:
    """A spider name this project has (Scrapy would raise ``KeyError`` with a traceback)."""
    import difflib

    from scrapy.spiderloader import get_spider_loader

    names = get_spider_loader(settings).list()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        fail(f"no spider {name!r} in this project; " + (f"did you mean {close[0]}?" if close
                                                         else f"spiders: {', '.join(sorted(names))}"))
