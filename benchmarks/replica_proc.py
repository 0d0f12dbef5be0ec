"""The replica for crawl benchmarks, in a process of its own (so it never competes with the benchmark's
parent for the GIL), every article page rendered before the first request, and requests counted by kind.

    python -m benchmarks.replica_proc --synthetic N     # prints "READY <origin> <pages>" once serving

``GET /__bench/counts`` answers the counts since the last ``GET /__bench/reset`` as JSON:
``{"article": n, "listing": n, "robots": n, "other": n}``. :class:`ReplicaProcess` starts and stops it and
reads its CPU time (to show the server is not what limits a crawl).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from typing import Any

_ARTICLE = re.compile(r"^/(?:read/|[a-z0-9-]+/[^/]+-\d+/?$|[a-z0-9-]+/read/)")


def classify(target: str, article_paths: set[str]) -> str:
    path = target.split("?", 1)[0]
    if path == "/robots.txt":
        return "robots"
    if path in article_paths or target in article_paths or _ARTICLE.match(path):
        return "article"
    if path.startswith(("/statik/", "/_ipx/", "/img/")):
        return "other"
    return "listing"


def serve(synthetic: int) -> int:
    from tests.replica.server import ReplicaServer, ReplicaSite, Response, path_qs

    site = ReplicaSite(synthetic=synthetic)
    site.log_requests = False
    server = ReplicaServer(("127.0.0.1", 0), site)
    site.origin = server.origin
    pages = [path_qs(site.url(u)) for u in site.article_page_urls(continuations=True)]
    for pq in pages:  # render once now: the crawls then time the crawler, not the template
        site.handle("GET", pq)
    article_paths = set(pages)
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    handle = site.handle

    def counting(method: str, target: str) -> Response:
        if target.startswith("/__bench/"):
            with lock:
                body = json.dumps(dict(counts)).encode()
                if target.startswith("/__bench/reset"):
                    counts.clear()
            return Response(200, "application/json", body)
        with lock:
            counts[classify(target, article_paths)] += 1
        return handle(method, target)

    site.handle = counting  # type: ignore[method-assign]
    print(f"READY {server.origin} {len(pages)}", flush=True)
    server.serve_until_interrupted()
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ReplicaProcess:
    """``with ReplicaProcess(n) as r:`` → ``r.origin``, ``r.pages``, ``r.cpu()``, ``r.counts(reset=True)``."""

    def __init__(self, synthetic: int, timeout: float = 300) -> None:
        self.synthetic = synthetic
        self.timeout = timeout
        self.proc: subprocess.Popen[str] | None = None
        self.origin = ""
        self.pages = 0

    def __enter__(self) -> ReplicaProcess:
        from benchmarks.common import ROOT

        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.replica_proc", "--synthetic",
                                      str(self.synthetic)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                     stdin=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + self.timeout
        line = self.proc.stdout.readline()
        if not line.startswith("READY") or time.monotonic() > deadline:
            self.__exit__()
            raise RuntimeError(f"replica did not start: {line!r}")
        _, self.origin, pages = line.split()
        self.pages = int(pages)
        return self

    def cpu(self) -> float:
        assert self.proc is not None
        return cpu_seconds(self.proc.pid)

    def counts(self, reset: bool = True) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.origin}/__bench/{'reset' if reset else 'counts'}", timeout=30) as res:
            return json.loads(res.read())

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.replica_proc", description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=0)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    return serve(args.synthetic)


if __name__ == "__main__":
    sys.exit(main())
