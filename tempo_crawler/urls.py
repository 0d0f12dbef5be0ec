"""Tempo URL forms: article ids, canonical URLs, the dedupe key, and what kind of page a URL names."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

# Old scheme (<=2017): /read/news/YYYY/MM/DD/<subkanal+id>/<slug>; A era: /read/<id>/<slug>;
# AMP: /amp/<id>/<slug>; ABC partner pages: /abc/<id>/<slug>.
_A_PATH = re.compile(r"^/(?:read/news/\d{4}/\d{2}/\d{2}|read|amp|abc)/(\d{5,})(?:/|$)")
_AMP_PATH = re.compile(r"^/amp/\d+")
# B: /<rubric>/<slug>-<id>, slugs often end in "-" so the URL ends "--<id>".
_B_LAST = re.compile(r"^[a-z0-9][a-z0-9-]*-(\d{3,})$")
_B_RESERVED = frozenset({"penulis", "tag", "indeks", "search", "api", "read", "amp", "abc", "_nuxt", "_ipx"})
_A_SUFFIX = re.compile(r"/full&view=ok$")


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except (ValueError, AttributeError):  # unparsable (``http://[::1``) or not a string: no article path
        return "/"


def url_era(url: str) -> str | None:
    """``"a"`` for old-site article URLs (desktop, AMP, partner), ``"b"`` for new-site ones, else None."""
    path = _A_SUFFIX.sub("", _path(url))
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
    path = _A_SUFFIX.sub("", _path(url))
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
    """Drop query, fragment, ``/full&view=ok`` and a trailing slash; bare ``tempo.co`` becomes ``www.tempo.co``.
    A URL that does not parse is returned as given (stripped)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = parts.netloc.lower()
    if host == "tempo.co":
        host = "www.tempo.co"
    path = _A_SUFFIX.sub("", parts.path)
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme or "https", host, path, "", ""))
