"""Tempo URL forms: article ids, canonical URLs, the dedupe key, and what kind of page a URL names.

Every form of docs/site.md §2 yields an article key, whatever the length of its id: the old scheme
``/read/news/YYYY/MM/DD/<subkanal+id>/``, the old system's ``/read/<id>/`` (still publishing in 2026),
AMP ``/amp/<id>/`` (also inside a Google AMP-cache URL), partner pages ``/abc/<id>/`` (short ids), and the
new site's ``/<rubric>/<slug>-<id>`` on ``www.tempo.co``, bare ``tempo.co`` or ``satu.tempo.co`` (its host
until mid-2025), all three one site whose canonical host is ``www.tempo.co``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit, urlunsplit

# Old scheme (<=2017): /read/news/YYYY/MM/DD/<subkanal+id>/<slug>; old system: /read/<id>/<slug>;
# AMP: /amp/<id>/<slug>; ABC partner pages: /abc/<id>/<slug>.
_A_PATH = re.compile(r"^/(?:read/news/\d{4}/\d{2}/\d{2}|read|amp|abc)/(\d{1,12})(?:/|$)")
_AMP_PATH = re.compile(r"^/amp/\d+")
# A Google AMP-cache URL wraps the page's own host and path: /v/s/<host>/<path> (also /c/s/, /i/s/).
_AMP_CACHE_HOST = re.compile(r"(?:^|\.)cdn\.ampproject\.org$")
_AMP_CACHE_PATH = re.compile(r"^/[a-z]/s/(?P<host>[a-z0-9.-]+\.[a-z]{2,})(?P<path>/.*)?$", re.IGNORECASE)
# B: /<rubric>/<slug>-<id>, slugs often end in "-" so the URL ends "--<id>".
_B_LAST = re.compile(r"^[a-z0-9][a-z0-9-]*-(\d{1,12})$")
_B_RESERVED = frozenset({"penulis", "tag", "indeks", "search", "api", "read", "amp", "abc", "_nuxt", "_ipx"})
_A_SUFFIX = re.compile(r"/full&view=ok$")
CANONICAL_HOST = "www.tempo.co"
# The new site's hosts (docs/site.md §2): one site, canonical on www.tempo.co.
NEW_SITE_HOSTS = frozenset({"www.tempo.co", "tempo.co", "satu.tempo.co"})


def unwrap(url: str) -> str:
    """The page's own URL inside a Google AMP-cache URL (``…cdn.ampproject.org/v/s/dunia.tempo.co/amp/…``, or
    that path on a mirror of the cache); any other URL unchanged."""
    parts = urlsplit(url.strip())
    m = _AMP_CACHE_PATH.match(parts.path or "")
    if not m:
        return url
    inner = m.group("host").lower()
    if not (_AMP_CACHE_HOST.search(parts.netloc.lower()) or inner == "tempo.co" or inner.endswith(".tempo.co")):
        return url
    # the cache serves https pages only (an http:// origin would be ``/c/…``, served as https anyway)
    return urlunsplit(("https", inner, m.group("path") or "/", parts.query, parts.fragment))


def _path(url: str) -> str:
    if not isinstance(url, str):   # not a string: no article path
        return "/"
    return _article_path(url)


# One item asks for its key, id and era several times (pipelines, store, exporters): the path is split once.
@lru_cache(maxsize=4096)
def _article_path(url: str) -> str:
    try:
        return _A_SUFFIX.sub("", urlsplit(unwrap(url)).path or "/")
    except ValueError:  # unparsable (``http://[::1``): no article path
        return "/"


def url_era(url: str) -> str | None:
    """``"a"`` for old-system article URLs (desktop, AMP, partner), ``"b"`` for new-site ones, else None."""
    path = _path(url)
    if _A_PATH.match(path):
        return "a"
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] not in _B_RESERVED and _B_LAST.match(parts[-1]):
        return "b"
    return None


def is_article_url(url: str) -> bool:
    return url_era(url) is not None


def is_continuation(url: str) -> bool:
    """A later page of a multi-page article (``?page_num=N``, N > 1)."""
    pages = parse_qs(urlsplit(url).query).get("page_num", [])
    return bool(pages) and pages[0] not in ("", "1")


def is_amp_url(url: str) -> bool:
    return bool(_AMP_PATH.match(_path(url)))


def article_id(url: str) -> str | None:
    """Tempo's article id from any URL form of an article (None for non-article URLs)."""
    path = _path(url)
    m = _A_PATH.match(path)
    if m:
        return m.group(1)
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] not in _B_RESERVED:
        m = _B_LAST.match(parts[-1])
        if m:
            return m.group(1)
    return None


def article_key(url: str) -> str | None:
    """Key uniting every URL form of one article. Old and new ids are separate spaces, hence the era prefix."""
    era, aid = url_era(url), article_id(url)
    return f"{era}:{aid}" if era and aid else None


def canonical_url(url: str) -> str:
    """Drop query, fragment, ``/full&view=ok`` and a trailing slash; unwrap an AMP-cache URL; the new site's
    hosts (bare ``tempo.co``, ``satu.tempo.co``) become ``www.tempo.co``. A URL that does not parse is returned
    as given (stripped)."""
    try:
        parts = urlsplit(unwrap(url.strip()))
    except ValueError:
        return url.strip()
    host = parts.netloc.lower()
    if host in NEW_SITE_HOSTS:
        host = CANONICAL_HOST
    path = _A_SUFFIX.sub("", parts.path)
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme or "https", host, path, "", ""))


def page_host(url: str) -> str:
    """The host that published the page (AMP-cache URLs unwrapped, new-site hosts as ``www.tempo.co``)."""
    return urlsplit(canonical_url(url)).netloc
