"""Client-rendered twins of replica pages: TEST VARIANTS for JavaScript rendering (docs/rendering.md).

RECONSTRUCTION, not captured markup. docs/site.md §5 says the B site is a Nuxt app whose SSR HTML carries a
``window.__NUXT__={}`` stub, and §6 records a conflict: in 2026 DonnyRZ found rubric pages to be an empty
SSR stub (and "no /indeks route"), while in 2025 fakhryfernanda parsed ``/indeks`` HTML. These variants are
the "empty stub" reading, made concrete so the crawler's rendering path can be tested offline:

``/csr<path>``  (any replica page: ``/csr/indeks?page=1&category=rubrik&rubric_slug=internasional``,
                ``/csr/internasional``, ``/csr/internasional/<slug>-<id>`` …)
    The static HTML is an empty Nuxt shell: ``<div id="__nuxt"></div>``, a
    ``window.__NUXT__={serverRendered:false,…}`` state, no text, no JSON-LD. A script waits
    :data:`DELAY_MS` (so the content arrives after the load event, as with a real client fetch), fetches
    ``/csr/_data?path=<path>`` and mounts what it returns: the head (title, canonical, meta, JSON-LD) and
    the ``#__nuxt`` content of the server-rendered twin ``<path>``. Same content, so the crawler must
    produce the same items from the rendered twin as from the server-rendered page.
    Listing pages keep their pagination inside ``/csr`` (``/indeks?page=2`` → ``/csr/indeks?page=2``);
    article links stay those of the twin (``/internasional/<slug>-<id>``, server-rendered).
    With ``?stall=1`` the script never fetches: a page that never fills (rendering timeout tests).
``/csr/_data?path=<path+query>``
    JSON ``{"path", "status", "lang", "html"}``: the server-rendered twin's HTML (already pointed at the
    replica origin); 404 when there is no such page.

Crawl the client-rendered listing with ``-s TEMPO_BASE_URL=<origin>/csr -s TEMPO_SOURCES=indeks``; the
article twins with ``-a start_urls=<origin>/csr/internasional/<slug>-<id>``.
:func:`set_third_party` adds a ``<script src>`` on another origin to every shell (it must be aborted by
the crawler's browser: only the page's own origin is allowed).

Registered with the replica by the ``/csr`` hook at the top of ``ReplicaSite._dispatch``
(``tests/replica/server.py``).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from tests.replica.server import ReplicaSite, Response

PREFIX = "/csr"
DATA = "/csr/_data"
DELAY_MS = 150
_LISTING_PATHS = re.compile(r"^/(?:indeks|[a-z0-9-]+)/?$")

_SHELL = """<!DOCTYPE html>
<!-- TEST VARIANT (replica, generated): a client-rendered twin of {twin}. RECONSTRUCTION of the "empty SSR stub"
     reading of docs/site.md §5 (Nuxt, window.__NUXT__) and §6 (the /indeks and rubric-page conflict); the content is
     mounted by the script below from {data} (tests/replica/client_rendered.py). -->
<html lang="id" data-capo="">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tempo</title>
<link rel="stylesheet" href="/_nuxt/entry.C4xq2pLd.css" crossorigin>
{third_party}</head>
<body>
<div id="__nuxt"></div><div id="teleports"></div>
<script>window.__NUXT__={{serverRendered:false,config:{{public:{{}},app:{{baseURL:"/",buildAssetsDir:"/_nuxt/",cdnURL:""}}}}}}</script>
<script>
(function () {{
  var path = location.pathname.replace(/^\\/csr(?=\\/|$)/, "") || "/";
  if (/(^|[?&])stall=1(&|$)/.test(location.search.slice(1))) return;
  setTimeout(function () {{
    var url = "/csr/_data?path=" + encodeURIComponent(path + location.search);
    fetch(url, {{headers: {{"Accept": "application/json"}}}})
      .then(function (r) {{ return r.json(); }})
      .then(function (data) {{
        if (!data.html) return;
        var doc = new DOMParser().parseFromString(data.html, "text/html");
        document.documentElement.lang = data.lang || "id";
        document.head.replaceChildren.apply(document.head, Array.from(doc.head.childNodes));
        var from = doc.getElementById("__nuxt") || doc.body;
        var mount = document.getElementById("__nuxt");
        mount.replaceChildren.apply(mount, Array.from(from.childNodes));
        window.__NUXT__.data = {{path: data.path}};
      }});
  }}, {delay});
}})();
</script>
</body>
</html>
"""


def set_third_party(site: ReplicaSite, url: str | None) -> None:
    """Every shell served by ``site`` loads ``<script src=url>`` (None: none). For hygiene tests."""
    site.csr_third_party = url  # type: ignore[attr-defined]


def _inner(target: str) -> str:
    rest = target[len(PREFIX):]
    return rest if rest.startswith("/") else "/" + rest


def _twin(site: ReplicaSite, inner: str) -> Response | None:
    # The server-rendered page, straight from the router: not logged as a request of its own.
    res = site._dispatch(inner)  # noqa: SLF001 - same package; a twin is a view of the same route table
    if res is None or res.status != 200 or not res.content_type.startswith("text/html"):
        return None
    return res


def _keep_listing_links_inside(html: str, origin: str) -> str:
    """Pagination/listing links of a listing twin point back into ``/csr`` (article links do not)."""
    def sub(m: re.Match[str]) -> str:
        return f'{m.group(1)}{m.group(2) or ""}{PREFIX}/indeks'
    return re.sub(r'(href=["\'])(' + re.escape(origin) + r')?/indeks(?=[?"\'/])', sub, html)


def dispatch(site: ReplicaSite, target: str) -> Response | None:
    """Answer ``/csr…`` targets (the hook in ``ReplicaSite._dispatch`` calls this)."""
    from tests.replica.server import HTML, JSON, Response

    parts = urlsplit(target)
    if parts.path == DATA:
        inner = (parse_qs(parts.query).get("path") or ["/"])[0]
        if not inner.startswith("/") or inner.startswith(PREFIX + "/") or inner == PREFIX:
            return Response(400, JSON, b'{"error": "path must be a replica path outside /csr"}\n')
        twin = _twin(site, inner)
        if twin is None:
            return Response(404, JSON, json.dumps({"path": inner, "status": 404, "html": None}).encode())
        html = twin.body.decode("utf-8")
        if _LISTING_PATHS.match(urlsplit(inner).path):
            html = _keep_listing_links_inside(html, site.origin)
        lang = re.search(r'<html[^>]*\blang="([^"]+)"', html)
        body = {"path": inner, "status": 200, "lang": lang.group(1) if lang else "id", "html": html}
        return Response(200, JSON, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                        {"Cache-Control": "no-store"})
    inner = _inner(target)
    if _twin(site, inner) is None:
        return None
    third = getattr(site, "csr_third_party", None)
    tag = f'<script src="{escape(third, quote=True)}" async></script>\n' if third else ""
    shell = _SHELL.format(twin=escape(inner), data=escape(DATA), third_party=tag, delay=DELAY_MS)
    return Response(200, HTML, shell.encode("utf-8"))
