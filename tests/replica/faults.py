"""Fault mode of the replica: a share of requests answered the ways a real site fails.

``site.fault_plan = FaultPlan(share=0.3, kinds=KINDS, seed=1, foreign_origin=other.origin)``, or with faults
named page by page (``FaultPlan(pages={"/internasional/…-9000003": "hang", …})``), or
``python -m tests.replica.server --faults 0.3 [--fault-kinds 503,reset,…] [--fault-seed 1]``). Which request
gets which fault is a pure function of the seed and the page (path without query), so a faulty page stays
faulty for every retry while the plan is on, and the same pages fail in every run with the same seed; set
``site.fault_plan = None`` to heal the site. Only pages that would answer 200 are faulted, by default only
article pages (``scope="all"``: listings and feeds too).

Kinds (:data:`KINDS`):

========================  =======================================================================
``500`` ``502`` ``503``   that status (503 with ``Retry-After``)
``429``                   429 with ``Retry-After: <retry_after>``
``403_challenge``         403 with a WAF challenge page ("Just a moment…")
``reset``                 the connection is reset (RST) before any response
``hang``                  no answer for ``hang_seconds`` (past the crawler's timeout), then closed
``truncated``             Content-Length of the whole page, half the body, then closed
``truncated_nolength``    no Content-Length, half the body, then closed (looks complete to HTTP)
``empty``                 200 with an empty body
``redirect_loop``         302 to ``?_loop=1``, which redirects back
``redirect_foreign``      302 to the same path on ``foreign_origin`` (another loopback host whose
                          request log a test reads: nothing should ever be asked of it)
``non_html``              200 ``application/octet-stream`` with a binary body
``wrong_charset``         the page, UTF-8, announced as ``charset=iso-8859-1``
``huge``                  the page padded to ``huge_bytes`` (10 MB) with an HTML comment
========================  =======================================================================

``plan.assigned`` maps every faulted page (path) to its kind, ``plan.hits`` counts answers per kind.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from tempo_crawler.urls import url_era

if TYPE_CHECKING:
    from tests.replica.server import Response

KINDS = ("500", "502", "503", "429", "403_challenge", "reset", "hang", "truncated", "truncated_nolength", "empty",
         "redirect_loop", "redirect_foreign", "non_html", "wrong_charset", "huge")
TRANSPORT = {"reset", "hang", "truncated", "truncated_nolength"}   # done by the HTTP handler (server.py)

CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
             b"<h1>Checking your browser before accessing the site.</h1>"
             b"<p>Enable JavaScript and cookies to continue.</p><noscript>cf-challenge</noscript></body></html>")
BINARY = bytes(range(256)) * 16


@dataclass
class FaultPlan:
    share: float = 0.3
    kinds: tuple[str, ...] = KINDS
    seed: int = 0
    scope: str = "articles"             # articles | all
    hang_seconds: float = 4.0
    retry_after: int = 1
    foreign_origin: str | None = None   # where redirect_foreign points (default: 127.0.0.2 on port 9)
    huge_bytes: int = 10 << 20
    pages: dict[str, str] = field(default_factory=dict)    # path -> kind: these pages fail so, whatever the share
    assigned: dict[str, str] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        unknown = (set(self.kinds) | set(self.pages.values())) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
        self._lock = threading.Lock()

    def kind_for(self, path: str) -> str | None:
        """The fault of a page (its path), or None: a pure function of the seed and the path."""
        if path in self.pages:
            return self.pages[path]
        digest = hashlib.sha256(f"{self.seed}\0{path}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 >= self.share or not self.kinds:
            return None
        return self.kinds[int.from_bytes(digest[8:16], "big") % len(self.kinds)]

    def apply(self, method: str, target: str, response: Response, origin: str) -> Response:
        """The response to send instead of ``response`` (the healthy one) for ``target``."""
        from tests.replica.server import HTML, TEXT, Response

        parts = urlsplit(target)
        if response.status != 200 or (self.scope == "articles" and not url_era(origin + parts.path)):
            return response
        kind = self.kind_for(parts.path)
        if kind is None:
            return response
        with self._lock:
            self.assigned[parts.path] = kind
            self.hits[kind] += 1
        if kind in ("500", "502", "503"):
            headers = {"Retry-After": str(self.retry_after)} if kind == "503" else {}
            return Response(int(kind), TEXT, f"injected {kind}\n".encode(), headers)
        if kind == "429":
            return Response(429, TEXT, b"too many requests\n", {"Retry-After": str(self.retry_after)})
        if kind == "403_challenge":
            return Response(403, HTML, CHALLENGE)
        if kind in TRANSPORT:
            return Response(200, response.content_type, response.body, {}, transport=kind,
                            hang=self.hang_seconds)
        if kind == "empty":
            return Response(200, HTML, b"")
        if kind == "redirect_loop":
            looped = "_loop" in parse_qs(parts.query)
            return Response(302, TEXT, b"", {"Location": parts.path if looped else f"{parts.path}?_loop=1"})
        if kind == "redirect_foreign":
            return Response(302, TEXT, b"", {"Location": (self.foreign_origin or "http://127.0.0.2:9") + parts.path})
        if kind == "non_html":
            return Response(200, "application/octet-stream", BINARY)
        if kind == "wrong_charset":
            return Response(200, "text/html; charset=iso-8859-1", response.body)
        # huge: the page, padded inside an HTML comment before </body>
        pad = b"<!-- " + b"x" * max(0, self.huge_bytes - len(response.body) - 9) + b" -->"
        body = response.body
        at = body.rfind(b"</body>")
        return Response(200, response.content_type, body[:at] + pad + body[at:] if at >= 0 else body + pad)
