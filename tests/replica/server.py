"""The replica: a reconstructed Tempo served on loopback.

``ReplicaSite`` holds the routes and the article catalogue (built from the golden cases
``tests/layouts/<code>/<case>/``, plus synthetic or run-time articles) and answers requests as a pure
function (:meth:`ReplicaSite.handle`); ``ReplicaServer`` puts it on HTTP/1.1 (keep-alive, backlog 1024,
daemon threads: see ``shared/notes/environment.md`` §5). Every response is rewritten so links point back
at the origin.

    python -m tests.replica.server --port 8765 [--host 127.0.0.1] [--synthetic N] [--delay S]
                                   [--fixtures-dir tests/layouts]
                                   [--faults SHARE [--fault-kinds 503,reset,...] [--fault-seed N]]

Fault mode (``--faults``, or ``site.fault_plan``): a share of pages answered the ways a real site fails
(tests/replica/faults.py).
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tempo_crawler.urls import article_id, canonical_url
from tests.replica import evidence, variants
from tests.replica import listings as L
from tests.replica.faults import KINDS as FAULT_KINDS
from tests.replica.faults import FaultPlan
from tests.replica.listings import WIB, Entry
from tests.replica.synthetic import FIRST_ID, NEWEST, BSpec, default_spec, make_synthetic, render_b_page
from tests.support.golden import FIXTURES, Golden, case_dirs

HERE = Path(__file__).parent
FIXTURES_DIR = FIXTURES   # tests/layouts: one folder per golden case (page.html, expected.json, meta.json)

HTML = "text/html; charset=utf-8"
JSON = "application/json"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

# Any tempo.co host, with a scheme or protocol-relative, also JSON-escaped (``https:\/\/www.tempo.co``).
_HOST_RE = re.compile(r"(?:https?:)?(//|\\/\\/)((?:[a-z0-9-]+\.)*)tempo\.co(?![\w-]|\.[a-z])", re.IGNORECASE)


def rewrite(text: str, origin: str) -> str:
    """Point every tempo.co link at ``origin``: ``www.``/``dunia.``/``m.``/``en.``/bare (and any other kanal
    host) → origin; ``rss.tempo.co`` → ``{origin}/rss``; ``statik.tempo.co`` → ``{origin}/statik``."""
    def sub(m: re.Match[str]) -> str:
        sub_host = m.group(2).lower().rstrip(".")
        target = origin + {"rss": "/rss", "statik": "/statik"}.get(sub_host, "")
        return target.replace("/", "\\/") if m.group(1) != "//" else target

    return _HOST_RE.sub(sub, text)


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x88")) + chunk(b"IEND", b""))


PNG = _png_1x1()
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    transport: str = ""     # fault mode: reset | hang | truncated | truncated_nolength (tests/replica/faults.py)
    hang: float = 0.0       # seconds of silence for ``hang``


@dataclass
class _Route:
    real_url: str                       # the real URL this page lives at
    source: Path | str | Callable[[], str]
    entry: str                          # catalogue key (the entry's page path)
    continuation: bool = False          # ``?page_num=N`` (N ≥ 2): not in the sitemap


@dataclass
class _Fault:
    prefix: str
    status: int
    remaining: int


def path_qs(url: str) -> str:
    """The path (+ ``?query``) of a URL, as the replica routes it."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _norm(target: str) -> str:
    """Lenient route key: decoded path without trailing slash, query reduced to ``page_num`` (the real site
    ignores tracking queries such as ``?utm_source=…``, docs/site.md §2 "A variants")."""
    parts = urlsplit(target)
    path = unquote(parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    keep = [f"page_num={v}" for v in parse_qs(parts.query).get("page_num", [])[:1] if v != "1"]
    return path + (f"?{keep[0]}" if keep else "")


def _is_continuation(url: str) -> bool:
    pn = parse_qs(urlsplit(url).query).get("page_num", [])
    return bool(pn) and pn[0] != "1"


def _parse_time(value: Any) -> datetime | None:
    """ISO (with or without zone) or ``YYYY-MM-DD HH:MM:SS``; a time without zone is WIB."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=WIB)


class ReplicaSite:
    """Routes + catalogue + fault injection. Thread-safe; every public method may be called while serving.

    Public attributes: ``origin`` (set by :func:`start_replica`), ``delay`` (seconds slept per request),
    ``requests`` (list of ``(method, path+query)``, appended while ``log_requests``), ``load_errors``
    (``[(case, message)]`` of golden cases that could not be loaded).
    """

    def __init__(self, origin: str = "http://127.0.0.1", fixtures_dir: Path | str | None = FIXTURES_DIR,
                 synthetic: int = 0) -> None:
        self._lock = threading.RLock()
        self._origin = origin.rstrip("/")
        self.delay = 0.0
        self.redesign = False          # B pages after an unknown redesign (tests/replica/variants.py)
        self.list_fallback_pages = False   # list the JSON-LD-only golden pages too (otherwise served, not listed)
        self.evidence = False          # the 2026 evidence's listings (tests/replica/evidence.py: evidence.load)
        self.challenge_share = 0.0     # this share of article pages: WAF challenge pages (evidence.py)
        self.log_requests = True
        self.requests: list[tuple[str, str]] = []
        self.timed_requests: list[tuple[float, str]] = []   # (time.monotonic(), path+query) of each logged request
        self.load_errors: list[tuple[str, str]] = []
        self._routes: dict[str, _Route] = {}
        self._lenient: dict[str, str] = {}
        self._entries: dict[str, Entry] = {}          # key: page path+query of the entry's first page
        self._specs: dict[str, BSpec] = {}
        self._cache: dict[str, bytes] = {}
        self._faults: list[_Fault] = []
        self.fault_plan: FaultPlan | None = None   # fault mode (tests/replica/faults.py); None: healthy
        self._version = 0
        self._sorted: tuple[int, list[Entry], list[Entry]] | None = None
        if fixtures_dir:
            self.load_fixtures(Path(fixtures_dir))
        if synthetic:
            self.add_synthetic(synthetic)

    # ------------------------------------------------------------ origin, catalogue

    @property
    def origin(self) -> str:
        return self._origin

    @origin.setter
    def origin(self, value: str) -> None:
        with self._lock:
            self._origin = value.rstrip("/")
            self._cache.clear()

    def url(self, path: str = "/") -> str:
        """Absolute replica URL of a path (``/indeks?page=2``) or of a real tempo.co URL."""
        return rewrite(path, self.origin) if "//" in path else self.origin + path

    def to_real(self, url: str) -> str:
        """Inverse of the rewrite for URLs the replica serves: the real URL a replica URL stands for."""
        pq = path_qs(url)
        with self._lock:
            route = self._routes.get(pq) or self._routes.get(self._lenient.get(_norm(pq), ""))
        if route:
            return route.real_url
        for prefix, host in (("/rss", "https://rss.tempo.co"), ("/statik", "https://statik.tempo.co")):
            if pq == prefix or pq.startswith(prefix + "/"):
                return host + pq[len(prefix):]
        return L.WWW + pq

    @property
    def articles(self) -> list[Entry]:
        """A snapshot of the catalogue (copies), newest first."""
        return [replace(e) for e in self._newest()]

    def article_page_urls(self, continuations: bool = False) -> list[str]:
        """Real URLs of every served article page (with ``continuations`` also
        the ``?page_num=N`` pages)."""
        with self._lock:
            return [r.real_url for r in self._routes.values() if continuations or not r.continuation]

    def load_fixtures(self, fixtures_dir: Path) -> None:
        """Add every golden case ``fixtures_dir/<code>/<case>/``: its ``page.html`` at the meta ``url``, plus
        the meta ``extra_pages``. Cases that cannot be loaded are recorded in ``load_errors`` and skipped."""
        for case_dir in case_dirs(fixtures_dir):
            name = f"{case_dir.parent.name}/{case_dir.name}"
            try:
                golden = Golden.load(case_dir)
                data, url = golden.expected, golden.url
                pages = {url: golden.file, **golden.extra_pages}
                missing = [str(p) for p in pages.values() if not p.is_file()]
                if missing:
                    raise FileNotFoundError(f"page file missing: {', '.join(missing)}")
                entry = Entry(
                    id=str(data.get("id") or article_id(url) or ""), url=data.get("url")
                    or canonical_url(url), layout=data.get("layout") or "", page_url=url,
                    section=data.get("section"), title=data.get("title"), lead=data.get("lead"),
                    published_at=_parse_time(data.get("published_at")),
                    modified_at=_parse_time(data.get("modified_at")), image_url=data.get("image_url"),
                    image_caption=data.get("image_caption"), is_free=data.get("is_free", True) is not False,
                    tags=list(data.get("tags") or []), name=name,
                )
                self._add(entry, pages, spec=None)
            except (ValueError, KeyError, TypeError, OSError) as exc:
                self.load_errors.append((name, f"{type(exc).__name__}: {exc}"))

    def add_synthetic(self, n: int, first_id: int | None = None, newest: datetime | None = None) -> list[Entry]:
        """Add n synthetic B articles (see ``synthetic.make_synthetic``). A later batch continues the ids and
        is published after everything already there (its oldest one minute after the newest entry), so
        it is what an incremental crawl should find as new."""
        with self._lock:
            synth = [e for e in self._entries.values() if e.synthetic and e.id.isdigit()]
            if first_id is None:
                first_id = max(int(e.id) for e in synth) + 1 if synth else FIRST_ID
            if newest is None:
                latest = max((e.published_at for e in self._entries.values() if e.published_at), default=None)
                newest = latest + timedelta(minutes=n) if synth and latest else NEWEST
            out = []
            for entry, spec in make_synthetic(n, first_id=first_id, newest=newest):
                self._add(entry, {entry.page_url: None}, spec=spec)
                out.append(entry)
            return out

    def _add(self, entry: Entry, pages: dict[str, Path | str | None], spec: BSpec | None) -> Entry:
        """pages: real url → Path / HTML text / None (render ``spec`` with the B template)."""
        with self._lock:
            key = path_qs(entry.page_url)
            for url in pages:
                if path_qs(url) in self._routes:
                    raise ValueError(f"a page is already served at {path_qs(url)} (use edit_article)")
            for url, source in pages.items():
                pq = path_qs(url)
                if source is None:
                    source = self._renderer(key)
                self._routes[pq] = _Route(url, source, key, _is_continuation(url))
                self._lenient.setdefault(_norm(pq), pq)
            entry.extra_urls = [u for u in pages if u != entry.page_url]
            if not entry.name:
                entry.name = f"added-{entry.id}"
            self._entries[key] = entry
            if spec is not None:
                self._specs[key] = spec
            self._touch()
            return entry

    def _renderer(self, key: str) -> Callable[[], str]:
        def render() -> str:
            with self._lock:
                entry, spec = replace(self._entries[key]), self._specs[key]
            return render_b_page(entry, spec)
        return render

    def _touch(self) -> None:
        self._version += 1
        self._cache.clear()

    def _newest(self) -> list[Entry]:
        """Every entry, newest first (cached per catalogue version; ``link_url`` refreshed)."""
        return self._catalogue()[0]

    def _listed(self) -> list[Entry]:
        """What listings show: newest first, one entry per layout family and id (two golden cases of one
        article, e.g. its page and its ``full&view=ok`` twin, list once: the one served at its canonical URL)."""
        return self._catalogue()[1]

    def _catalogue(self) -> tuple[list[Entry], list[Entry]]:
        with self._lock:
            if self._sorted is None or self._sorted[0] != self._version:
                everything = L.newest_first(list(self._entries.values()))
                best: dict[tuple[str, str], Entry] = {}
                for e in everything:
                    e.link_url = e.url if path_qs(e.url) in self._routes else e.page_url
                    k = (e.layout, e.id)
                    if k not in best or (path_qs(e.page_url) == path_qs(e.url)
                                         and path_qs(best[k].page_url) != path_qs(best[k].url)):
                        best[k] = e
                # Pages of no known layout (golden cases tests/layouts/jsonld/) are served at their URLs but
                # listed only when asked: a healthy replica crawl reads every page it discovers by its layout.
                chosen = {id(e) for e in best.values() if self.list_fallback_pages or e.layout != "JSONLD"}
                self._sorted = (self._version, everything, [e for e in everything if id(e) in chosen])
            return self._sorted[1], self._sorted[2]

    def _find(self, ref: str, layout: str | None = None) -> str:
        """Catalogue key of an article named by id, ``era:id`` key, real or replica URL, or served path."""
        with self._lock:
            if ref in self._entries:
                return ref
            pq = path_qs(ref) if "//" in ref else None
            hits = [k for k, e in self._entries.items()
                    if (layout is None or e.layout == layout)
                    and (ref == e.id or ref in (e.url, e.page_url, e.name) or pq in (path_qs(e.url), k)
                         or pq in (path_qs(u) for u in e.extra_urls) or ref == f"{_era(e)}:{e.id}")]
            if not hits:
                raise KeyError(f"no article {ref!r}")
            if len(hits) > 1:
                raise KeyError(f"{ref!r} names {len(hits)} articles ({', '.join(hits)}): pass layout=")
            return hits[0]

    def get_article(self, ref: str, layout: str | None = None) -> Entry:
        self._catalogue()
        with self._lock:
            return replace(self._entries[self._find(ref, layout)])

    def add_article(self, *, url: str, title: str, id: str | None = None, layout: str = "B",
                    section: str | None = "Internasional", lead: str | None = None,
                    published_at: datetime | str | None = None, modified_at: datetime | str | None = None,
                    image_url: str | None = None, image_caption: str | None = None, is_free: bool = True,
                    tags: list[str] | None = None, content_category: str = "berita", html: str | None = None,
                    page_url: str | None = None, paragraphs: list[str] | None = None,
                    extra_pages: dict[str, str] | None = None) -> Entry:
        """Publish an article at run time. ``url`` is its real canonical URL; ``page_url`` (default ``url``)
        where its page is served. Without ``html`` a B page is rendered from ``paragraphs`` (fictional
        default) with the synthetic template. ``extra_pages``: real url → HTML. ``published_at`` default: now."""
        if html is None and layout != "B":
            raise ValueError("only B articles can be rendered from the template; pass html=")
        entry = Entry(
            id=str(id or article_id(url) or ""), url=url, layout=layout, page_url=page_url or url, section=section,
            title=title, lead=lead, published_at=_parse_time(published_at) or datetime.now(WIB).replace(microsecond=0),
            modified_at=_parse_time(modified_at), image_url=image_url, image_caption=image_caption, is_free=is_free,
            tags=list(tags or []), content_category=content_category,
        )
        pages: dict[str, Path | str | None] = {entry.page_url: html}
        pages.update(extra_pages or {})
        return self._add(entry, pages, spec=default_spec(entry, paragraphs) if html is None else None)

    def edit_article(self, ref: str, *, html: str | None = None, layout: str | None = None,
                     paragraphs: list[str] | None = None, extra_pages: dict[str, str] | None = None,
                     touch: bool = True, **fields: Any) -> Entry:
        """Change an article: catalogue fields (``title=``, ``lead=``, ``is_free=``, ``published_at=``…), its
        page (``html=``; template-rendered articles re-render from the new fields and ``paragraphs=``), its
        extra pages (``extra_pages={url: html}``). ``touch`` (default) sets ``modified_at`` to now unless
        given, so the sitemap's ``<lastmod>`` moves."""
        with self._lock:
            key = self._find(ref, layout)
            entry = self._entries[key]
            for name, value in fields.items():
                if name not in Entry.__dataclass_fields__ or name in ("page_url", "extra_urls", "link_url"):
                    raise TypeError(f"edit_article: cannot set {name!r}")
                if name in ("published_at", "modified_at"):
                    value = _parse_time(value)
                setattr(entry, name, value)
            if touch and "modified_at" not in fields:
                entry.modified_at = datetime.now(WIB).replace(microsecond=0)
            if html is not None:
                self._routes[key].source = html
                self._specs.pop(key, None)
            elif paragraphs is not None:
                if key not in self._specs:
                    raise ValueError("paragraphs= only for template-rendered articles; pass html=")
                self._specs[key].paragraphs = list(paragraphs)
            for url, page in (extra_pages or {}).items():
                pq = path_qs(url)
                if pq in self._routes:
                    self._routes[pq].source = page
                else:
                    self._routes[pq] = _Route(url, page, key, _is_continuation(url))
                    self._lenient.setdefault(_norm(pq), pq)
                    entry.extra_urls.append(url)
            self._touch()
            return replace(entry)

    def remove_article(self, ref: str, layout: str | None = None) -> None:
        """Unpublish: its pages 404 and it leaves every listing."""
        with self._lock:
            key = self._find(ref, layout)
            for pq in [pq for pq, r in self._routes.items() if r.entry == key]:
                del self._routes[pq]
                if self._lenient.get(_norm(pq)) == pq:
                    del self._lenient[_norm(pq)]
            del self._entries[key]
            self._specs.pop(key, None)
            self._touch()

    # ------------------------------------------------------------ faults

    def fail(self, path_prefix: str, status: int = 503, times: int = 1) -> None:
        """The next ``times`` requests whose path+query starts with ``path_prefix`` answer ``status``."""
        with self._lock:
            self._faults.append(_Fault(path_prefix, status, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requested(self, prefix: str = "/") -> list[str]:
        """Logged request targets starting with ``prefix``."""
        with self._lock:
            return [t for _, t in self.requests if t.startswith(prefix)]

    # ------------------------------------------------------------ answering

    def handle(self, method: str, target: str) -> Response:
        """Answer one request (no network involved; the server calls this)."""
        with self._lock:
            if self.log_requests:
                self.requests.append((method, target))
                self.timed_requests.append((time.monotonic(), target))
            for f in self._faults:
                if f.remaining > 0 and target.startswith(f.prefix):
                    f.remaining -= 1
                    headers = {"Retry-After": "1"} if f.status in (429, 503) else {}
                    return Response(f.status, TEXT, f"injected fault {f.status}\n".encode(), headers)
        if method not in ("GET", "HEAD"):
            return Response(405, TEXT, b"method not allowed\n", {"Allow": "GET, HEAD"})
        try:
            res = self._dispatch(target)
        except Exception as exc:  # noqa: BLE001 - a test server reports, it does not die
            sys.stderr.write(f"replica: error on {target}: {type(exc).__name__}: {exc}\n")
            return Response(500, TEXT, b"replica error\n")
        res = res or Response(404, HTML, b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")
        plan = self.fault_plan
        return plan.apply(method, target, res, self.origin) if plan is not None else res

    def _page(self, pq: str) -> bytes | None:
        with self._lock:
            if pq not in self._routes:
                pq = self._lenient.get(_norm(pq), "")
            route = self._routes.get(pq)
            if route is None:
                return None
            cached = self._cache.get(pq)
            version, origin, source = self._version, self._origin, route.source
        if cached is not None:
            return cached
        if isinstance(source, Path):
            text = source.read_text("utf-8")
        elif callable(source):
            text = source()
        else:
            text = source
        body = rewrite(text, origin).encode("utf-8")
        with self._lock:
            if self._version == version and self._origin == origin:
                self._cache[pq] = body
        return body

    def _text(self, content_type: str, text: str) -> Response:
        return Response(200, content_type, rewrite(text, self.origin).encode("utf-8"))

    def _dispatch(self, target: str) -> Response | None:
        parts = urlsplit(target)
        path, query = parts.path or "/", parse_qs(parts.query, keep_blank_values=True)
        if path == "/csr" or path.startswith("/csr/"):  # client-rendered twins (tests/replica/client_rendered.py)
            from tests.replica import client_rendered
            return client_rendered.dispatch(self, target)
        if path.startswith(("/statik/", "/_ipx/", "/img/")) or path == "/logo.png":
            return Response(200, "image/gif" if path.endswith(".gif") else "image/png",
                            GIF if path.endswith(".gif") else PNG, {"Cache-Control": "max-age=86400"})
        body = self._page(path_qs(target))
        if body is not None:
            if evidence.challenged(path, self.challenge_share):
                return evidence.challenge(path)
            return Response(200, HTML, variants.redesigned(body) if self.redesign else body)
        if self.evidence:
            found = evidence.dispatch(self, path, query)
            if found is not None:
                return self._text(*found)
            copy = evidence.amp_cache_page(self, path)
            if copy is not None:
                return Response(200, HTML, copy)
        entries = self._listed()
        if path == "/robots.txt":
            return self._text(TEXT, L.robots_txt())
        if path == "/sitemap.xml":
            return self._text(XML, L.sitemap_index(max((e.lastmod for e in entries if e.lastmod), default=None)))
        if path == "/sitemap-articles.xml":
            served = [e for e in self._newest() if self.list_fallback_pages or e.layout != "JSONLD"]
            return self._text(XML, L.sitemap_urlset(self._sitemap_pages(served)))
        m = re.fullmatch(r"/([a-z0-9-]+)-sitemap\.xml", path)   # the new site's per-rubric sitemaps (evidence.py)
        if m and (text := evidence.rubric_sitemap(self, m.group(1))):
            return self._text(XML, text)
        if path == "/api/gateway/articles":
            return self._text(JSON, L.api_articles(entries, query))
        if path == "/indeks" or path == "/indeks/":
            return self._text(HTML, L.indeks_html(entries, query))
        if path == "/":
            return self._text(HTML, L.home_html(sorted({e.rubric for e in entries if e.rubric})))
        m = re.fullmatch(r"/api/gateway/rss/free/([a-z0-9-]+)", path)
        if m:
            return self._text(RSS, L.rss_free(entries, m.group(1)))
        m = re.fullmatch(r"/rss/(dunia|internasional)/?", path)
        if m:
            return self._text(RSS, L.rss_legacy(entries, m.group(1)))
        m = re.fullmatch(r"/([a-z0-9-]+)(/_payload\.json)?", path)
        if m and any(e.in_rubric(m.group(1)) for e in entries):
            rubric = m.group(1)
            if m.group(2):
                return self._text(JSON, L.rubric_payload(entries, rubric, prerendered_at=1748746800000))
            section = next((e.section for e in entries if e.in_rubric(rubric) and e.section), None)
            return self._text(HTML, L.rubric_html(entries, rubric, section))
        return None

    def _sitemap_pages(self, entries: list[Entry]) -> list[tuple[str, datetime | None]]:
        with self._lock:
            by_entry: dict[str, list[str]] = {}
            for r in self._routes.values():
                if not r.continuation:
                    by_entry.setdefault(r.entry, []).append(r.real_url)
            keys = {id(e): k for k, e in self._entries.items()}
        return [(u, e.lastmod) for e in entries for u in by_entry.get(keys.get(id(e), ""), [])]


def _era(e: Entry) -> str:
    return "b" if e.layout == "B" else "a"


# ================================================================ HTTP

class ReplicaHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TempoReplica/1.0"
    timeout = 60          # idle keep-alive connections close after a minute

    def _serve(self, head_only: bool) -> None:
        site: ReplicaSite = self.server.site  # type: ignore[attr-defined]
        target = self.path if self.path.startswith("/") else path_qs(self.path)
        res = site.handle(self.command, target)
        if site.delay > 0:
            time.sleep(site.delay)
        if res.transport in ("reset", "hang"):
            self._abort(res)
            return
        body = res.body[: len(res.body) // 2] if res.transport.startswith("truncated") else res.body
        self.send_response(res.status)
        self.send_header("Content-Type", res.content_type)
        if res.transport != "truncated_nolength":
            self.send_header("Content-Length", str(len(res.body)))
        for k, v in res.headers.items():
            self.send_header(k, v)
        if res.transport:
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _abort(self, res: Response) -> None:
        """Fault mode: no response; the connection reset at once, or after ``res.hang`` seconds of silence."""
        if res.transport == "hang":
            time.sleep(res.hang)
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()   # with SO_LINGER 0: an RST, not a FIN
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(head_only=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class ReplicaServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with the fixes of environment.md §5: backlog 1024, daemon threads."""

    request_queue_size = 1024
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: ReplicaSite) -> None:
        self.site = site
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, ReplicaHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def serve_until_interrupted(self) -> None:
        """Serve until Ctrl-C (or SIGTERM turned into KeyboardInterrupt), then close every connection."""
        try:
            self.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.close_open_connections()
            self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


_LOOPBACK = ("127.0.0.1", "localhost")


def start_replica(port: int = 0, synthetic: int = 0, host: str = "127.0.0.1", site: ReplicaSite | None = None,
                  **site_kwargs: Any) -> tuple[ReplicaServer, ReplicaSite, str]:
    """Serve a replica in a daemon thread; ``port=0`` picks a free port. Returns (server, site, origin).
    ``site_kwargs`` go to :class:`ReplicaSite` (``fixtures_dir=``)."""
    if host not in _LOOPBACK and not host.startswith("127."):
        raise ValueError(f"the replica binds loopback only, not {host!r}")
    site = site or ReplicaSite(synthetic=synthetic, **site_kwargs)
    server = ReplicaServer((host, port), site)
    site.origin = server.origin
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"replica:{server.origin}",
                     daemon=True).start()
    return server, site, server.origin


def stop(server: ReplicaServer) -> None:
    """Stop serving, drop open keep-alive connections, close the socket."""
    server.shutdown()
    server.close_open_connections()
    server.server_close()


class Replica:
    """A running replica: ``.origin``, ``.site``, ``.server``, ``.url(path)``, ``.stop()``; a context manager."""

    def __init__(self, server: ReplicaServer, site: ReplicaSite, origin: str) -> None:
        self.server, self.site, self.origin = server, site, origin

    @classmethod
    def start(cls, port: int = 0, synthetic: int = 0, **kwargs: Any) -> Replica:
        return cls(*start_replica(port=port, synthetic=synthetic, **kwargs))

    def url(self, path: str = "/") -> str:
        return self.site.url(path)

    def stop(self) -> None:
        stop(self.server)

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.replica.server", description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    ap.add_argument("--host", default="127.0.0.1", help="loopback only")
    ap.add_argument("--synthetic", type=int, default=0, metavar="N", help="add N synthetic B articles")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per request")
    ap.add_argument("--fixtures-dir", type=Path, default=FIXTURES_DIR,
                    help="golden cases, <code>/<case>/{page.html,expected.json,meta.json}")
    ap.add_argument("--faults", type=float, default=0.0, metavar="SHARE",
                    help="fault mode: this share (0..1) of article pages fail (tests/replica/faults.py)")
    ap.add_argument("--fault-kinds", default=",".join(FAULT_KINDS), help="comma-separated fault kinds")
    ap.add_argument("--fault-seed", type=int, default=0, help="which pages fail is a function of this seed")
    ap.add_argument("--fault-foreign", default=None, metavar="ORIGIN",
                    help="where redirect_foreign points (default: http://127.0.0.2:9)")
    args = ap.parse_args(argv)
    if args.host not in _LOOPBACK and not args.host.startswith("127."):
        ap.error("the replica binds loopback only")
    site = ReplicaSite(fixtures_dir=args.fixtures_dir, synthetic=args.synthetic)
    site.delay = args.delay
    site.log_requests = False
    if args.faults:
        site.fault_plan = FaultPlan(share=args.faults, kinds=tuple(k for k in args.fault_kinds.split(",") if k),
                                    seed=args.fault_seed, foreign_origin=args.fault_foreign)
    for name, msg in site.load_errors:
        print(f"replica: skipped {name}: {msg}", file=sys.stderr)
    server = ReplicaServer((args.host, args.port), site)
    site.origin = server.origin
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"replica serving {server.origin} ({len(site.article_page_urls(continuations=True))} article pages)",
          flush=True)
    server.serve_until_interrupted()
    return 0


if __name__ == "__main__":
    sys.exit(main())
