"""Generators of the replica's listing endpoints, built from the article catalogue.

Every generator here is a RECONSTRUCTION: nothing was captured from the live site. Each one cites the
section of ``docs/site.md`` its shape follows. Generators write the *real* hosts
(``https://www.tempo.co``, ``https://dunia.tempo.co``, ``https://statik.tempo.co``); the server rewrites
every response to the replica's origin in one place (``server.rewrite``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

WIB = timezone(timedelta(hours=7))
WWW = "https://www.tempo.co"
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember"]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_OLDEST = datetime(1970, 1, 1, tzinfo=timezone.utc)


def slugify(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").casefold()).strip("-")


@dataclass
class Entry:
    """One article of the catalogue (from a golden case, ``add_article`` or the synthetic generator)."""

    id: str
    url: str                       # canonical real URL (the expected item's ``url``)
    layout: str                    # A1 / A2 / AMP / B
    page_url: str                  # the real URL its page is served at (the expected ``_url``)
    section: str | None = None
    title: str | None = None
    lead: str | None = None
    published_at: datetime | None = None   # aware
    modified_at: datetime | None = None
    image_url: str | None = None
    image_caption: str | None = None
    is_free: bool = True
    tags: list[str] = field(default_factory=list)
    content_category: str = "berita"
    extra_urls: list[str] = field(default_factory=list)   # further served pages (?page_num=N, full&view=ok)
    link_url: str = ""             # what listings link to: ``url`` when served, else ``page_url``
    name: str = ""                 # golden case "<code>/<case>", or "synthetic-<id>" / "added-<id>"
    synthetic: bool = False

    @property
    def rubric(self) -> str | None:
        """B: the first path segment of the canonical URL (``internasional``)."""
        if self.layout != "B":
            return None
        parts = [p for p in urlsplit(self.url).path.split("/") if p]
        return parts[0] if parts else None

    def in_rubric(self, slug: str) -> bool:
        return self.layout == "B" and (self.rubric == slug or slugify(self.section) == slug)

    @property
    def sort_time(self) -> datetime:
        return self.published_at or _OLDEST

    @property
    def lastmod(self) -> datetime | None:
        return self.modified_at or self.published_at

    @property
    def link_path(self) -> str:
        """Path (+query) of ``link_url``: the relative href the HTML listings use."""
        parts = urlsplit(self.link_url or self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def canonical_path(self) -> str:
        """B ``canonical_url`` as the API gives it: relative, no leading ``/``."""
        return urlsplit(self.url).path.lstrip("/")


# ---------------------------------------------------------------- dates

def wib(dt: datetime) -> datetime:
    return dt.astimezone(WIB)


def api_time(dt: datetime | None) -> str | None:
    """docs/site.md §7: payload / API ``2026-07-24 09:00:00``, WIB without zone."""
    return wib(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else None


def b_visible_time(dt: datetime) -> str:
    """docs/site.md §7: B visible and ``article:published_time``: ``20 Februari 2025 | 08.16 WIB``."""
    d = wib(dt)
    return f"{d.day} {BULAN[d.month - 1]} {d.year} | {d:%H.%M} WIB"


def a2_visible_time(dt: datetime) -> str:
    """docs/site.md §7: A2 ``Jumat, 14 Juni 2024 08:00 WIB``."""
    d = wib(dt)
    return f"{HARI[d.weekday()]}, {d.day} {BULAN[d.month - 1]} {d.year} {d:%H:%M} WIB"


def rfc822(dt: datetime) -> str:
    return format_datetime(wib(dt))


def iso(dt: datetime) -> str:
    return wib(dt).isoformat(timespec="seconds")


def newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.sort_time, int(e.id) if e.id.isdigit() else 0), reverse=True)


def _x(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


# ---------------------------------------------------------------- robots

def robots_txt() -> str:
    # Reconstruction (docs/site.md §4 "Sitemap", §6 "Search"): the real robots.txt was never seen.
    return f"User-agent: *\nDisallow: /search\nAllow: /\n\nSitemap: {WWW}/sitemap.xml\n"


# ---------------------------------------------------------------- API (docs/site.md §6 "API", §5 "Embedded state")

def api_item(e: Entry) -> dict[str, Any]:
    """One article as the gateway API / the Nuxt payload carry it (field names: docs/site.md §5, §6)."""
    n = int(e.id) if e.id.isdigit() else 0
    return {
        "id": n,
        "article_uuid": f"replica-{n:08d}-0000-0000-000000000000",
        "domain_id": 1,
        "sub_rubric_id": 11,
        "access": "FREE" if e.is_free else "VIP",
        "content_category": e.content_category,
        "language": "ID",
        "tag_article_new": list(e.tags),
        "title_print": "",
        "title_digital": e.title or "",
        "title_seo": "",
        "summary": e.lead or "",
        "description": e.lead or "",
        "content": "",
        "is_active": True,
        "word_count": 0,
        "canonical_url": e.canonical_path,
        "feature_image": e.image_url or "",
        "feature_image_caption": e.image_caption or "",
        "published_at": api_time(e.published_at),
        "status": "published",
        "paragraphs": [],
    }


def api_articles(entries: list[Entry], query: dict[str, list[str]]) -> str:
    # Reconstruction of ``/api/gateway/articles`` (docs/site.md §6 "API"): the envelope and field names are
    # from public scrapers; pagination past the end (``data: []``) and the filters' semantics are inferred.
    def arg(name: str, default: str = "") -> str:
        return (query.get(name) or [default])[0].strip()

    page = _int(arg("page", "1"), 1, lo=1)
    size = _int(arg("page_size", "20") or "20", 20, lo=1, hi=100)
    status = arg("status", "published")
    rubric = arg("rubric_slug")
    access = arg("access").upper()
    tags = [t for t in query.get("tags[]", []) + query.get("tags", []) if t]
    chosen = [e for e in entries if e.layout == "B"]
    if rubric:
        chosen = [e for e in chosen if e.in_rubric(rubric)]
    if access:
        chosen = [e for e in chosen if ("FREE" if e.is_free else "VIP") == access]
    if tags:
        chosen = [e for e in chosen if set(tags) & set(e.tags)]
    if status and status != "published":
        chosen = []
    chosen = newest_first(chosen)
    if arg("order_published_at").upper() == "ASC":
        chosen.reverse()
    data = [api_item(e) for e in chosen[(page - 1) * size: page * size]]
    return json.dumps({"response_code": 200, "status": "success", "message": "Successfully get articles",
                       "data": data}, ensure_ascii=False)


def _int(text: str, default: int, lo: int = 0, hi: int | None = None) -> int:
    try:
        n = int(text)
    except ValueError:
        return default
    n = max(lo, n)
    return min(hi, n) if hi is not None else n


# ---------------------------------------------------------------- devalue (docs/site.md §5 "Embedded state")

@dataclass
class Reduced:
    """A devalue "reducer" value: encoded as ``[name, index]`` (Nuxt's ``ShallowReactive``, ``Ref``…)."""

    name: str
    value: Any


def devalue_stringify(value: Any) -> str:
    """A small devalue encoder (the flat-array format of Nuxt's ``_payload.json``).

    Element 0 is the root; every container value is an index into the array (pre-order, parent before
    children, as devalue assigns them); equal primitives share one element; ``NaN``/``±inf``/``-0.0`` use
    devalue's negative sentinels (-3, -4, -5, -6). Supports dict, list/tuple, :class:`Reduced`, datetime
    (``["Date", iso]``), str, int, float, bool and None."""
    flat: list[Any] = []
    prims: dict[tuple[type, Any], int] = {}
    objs: dict[int, int] = {}

    def put(v: Any) -> int:
        if isinstance(v, float):
            if math.isnan(v):
                return -3
            if math.isinf(v):
                return -4 if v > 0 else -5
            if v == 0 and math.copysign(1.0, v) < 0:
                return -6
        if v is None or isinstance(v, (str, bool, int, float)):
            key = (type(v), v)
            if key not in prims:
                prims[key] = len(flat)
                flat.append(v)
            return prims[key]
        if id(v) in objs:
            return objs[id(v)]
        i = objs[id(v)] = len(flat)
        flat.append(None)
        if isinstance(v, Reduced):
            flat[i] = [v.name, put(v.value)]
        elif isinstance(v, dict):
            flat[i] = {str(k): put(x) for k, x in v.items()}
        elif isinstance(v, (list, tuple)):
            flat[i] = [put(x) for x in v]
        elif isinstance(v, datetime):
            flat[i] = ["Date", v.isoformat()]
        else:
            raise TypeError(f"devalue: cannot encode {type(v).__name__}")
        return i

    root = put(value)
    if root != 0:   # a root that is a sentinel (NaN…) is written bare, as devalue does
        return str(root)
    return json.dumps(flat, ensure_ascii=False, separators=(",", ":"))


def rubric_payload(entries: list[Entry], rubric: str, prerendered_at: int = 0) -> str:
    # Reconstruction of ``/<rubric>/_payload.json`` (docs/site.md §5 "Embedded state"), shaped like
    # ``reference-2026/rubric-payload.json``: root ``{"data": ShallowReactive({...}), "prerenderedAt": n}``,
    # ``data['rubric-content'].latest.data[]`` = the newest ≤ 20 B articles of the rubric.
    latest = [api_item(e) for e in newest_first([e for e in entries if e.in_rubric(rubric)])[:20]]
    data = {
        "homepage-settings-trending-page-default": {"response_code": 200, "status": "Success",
                                                     "message": "Successfully get Home Page Setting", "data": []},
        "rubric-content": {"latest": {"response_code": 200, "status": "Success",
                                      "message": "Successfully get Rubric Content", "data": latest}},
    }
    return devalue_stringify({"data": Reduced("ShallowReactive", data), "prerenderedAt": prerendered_at})


# ---------------------------------------------------------------- RSS

_RSS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">\n')


def _rss(title: str, link: str, self_url: str, items: list[str], build: datetime | None) -> str:
    out = [_RSS_HEAD, "<channel>\n", f"<title>{_x(title)}</title>\n<link>{_x(link)}</link>\n",
           f'<atom:link href="{_x(self_url)}" rel="self" type="application/rss+xml"/>\n',
           f"<description>{_x(title)}</description>\n<language>id</language>\n"]
    if build:
        out.append(f"<lastBuildDate>{rfc822(build)}</lastBuildDate>\n")
    out.extend(items)
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def rss_free(entries: list[Entry], rubric: str, limit: int = 50) -> str:
    # Reconstruction of ``/api/gateway/rss/free/<rubric>`` (docs/site.md §6 "RSS"): FREE items of the rubric,
    # newest first, with ``media:thumbnail`` and ``content:encoded``; item count and extra elements inferred.
    chosen = newest_first([e for e in entries if e.in_rubric(rubric) and e.is_free])[:limit]
    items = []
    for e in chosen:
        link = e.link_url or e.url
        parts = [f"<item>\n<title>{_x(e.title)}</title>\n<link>{_x(link)}</link>\n",
                 f'<guid isPermaLink="true">{_x(link)}</guid>\n', f"<description>{_x(e.lead)}</description>\n"]
        if e.published_at:
            parts.append(f"<pubDate>{rfc822(e.published_at)}</pubDate>\n")
        if e.section:
            parts.append(f"<category>{_x(e.section)}</category>\n")
        if e.image_url:
            parts.append(f'<media:thumbnail url="{_x(e.image_url)}"/>\n')
        parts.append(f"<content:encoded><![CDATA[<p>{_x(e.lead)}</p>]]></content:encoded>\n</item>\n")
        items.append("".join(parts))
    build = chosen[0].published_at if chosen else None
    return _rss(f"Tempo - {rubric.title()}", f"{WWW}/{rubric}", f"{WWW}/api/gateway/rss/free/{rubric}", items, build)


def rss_legacy(entries: list[Entry], feed: str, limit: int = 50) -> str:
    # Reconstruction of the legacy ``rss.tempo.co/<feed>`` (docs/site.md §4 "RSS", §6 "Old RSS"): ``dunia`` lists
    # the A2 desktop articles; ``internasional`` is valid XML with 0 entries, as one public scraper saw.
    chosen = newest_first([e for e in entries if e.layout == "A2"])[:limit] if feed == "dunia" else []
    items = []
    for e in chosen:
        parts = [f"<item>\n<title>{_x(e.title)}</title>\n<link>{_x(e.link_url)}</link>\n",
                 f'<guid isPermaLink="true">{_x(e.link_url)}</guid>\n', f"<description>{_x(e.lead)}</description>\n"]
        if e.published_at:
            parts.append(f"<pubDate>{rfc822(e.published_at)}</pubDate>\n")
        if e.image_url:
            parts.append(f'<enclosure url="{_x(e.image_url)}" type="image/jpeg" length="0"/>\n')
        parts.append("</item>\n")
        items.append("".join(parts))
    build = chosen[0].published_at if chosen else None
    return _rss(f"Tempo.co - {feed.title()}", f"https://{feed}.tempo.co" if feed == "dunia" else WWW,
                f"https://rss.tempo.co/{feed}", items, build)


# ---------------------------------------------------------------- sitemap

def sitemap_index(updated: datetime | None) -> str:
    # Reconstruction (docs/site.md §4 "Sitemap": ``/sitemap.xml`` is confirmed, its children are not): one child.
    lastmod = f"<lastmod>{iso(updated)}</lastmod>" if updated else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<sitemap><loc>{WWW}/sitemap-articles.xml</loc>{lastmod}</sitemap>\n</sitemapindex>\n")


def sitemap_urlset(pages: list[tuple[str, datetime | None]]) -> str:
    # Reconstruction (docs/site.md §4 "Sitemap"): every served article page (all layouts, ``full&view=ok``
    # twins, not ``?page_num=N`` continuations), each with ``<lastmod>``; the file name is invented.
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for url, lastmod in pages:
        lm = f"<lastmod>{iso(lastmod)}</lastmod>" if lastmod else ""
        out.append(f"<url><loc>{_x(url)}</loc>{lm}</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


# ---------------------------------------------------------------- B HTML listings (docs/site.md §6 "Index")

_B_HEAD = """<!DOCTYPE html>
<!-- RECONSTRUCTION (replica, generated): a Tempo B-layout listing page. Item markup per docs/site.md §6 "Index"
     (div.flex.flex-col.divide-y.divide-neutral-500 > div > figure > figcaption > p > a, relative hrefs,
     a[aria-label^="Baca artikel:"]); VIP badge per §9; the rest of the page chrome is invented. -->
<html lang="id">
<head>
<meta charset="utf-8">
<title>{title} | tempo.co</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{canonical}">
</head>
<body>
<div id="__nuxt"><main class="container mx-auto">
<h1 class="text-[26px] font-bold leading-[122%] text-neutral-1200">{heading}</h1>
"""
_B_FOOT = """</main></div>
<script>window.__NUXT__={{}}</script>
</body>
</html>
"""


def _card(e: Entry) -> str:
    href = e.link_path
    badge = ('<span class="inline-flex bg-primary-main p-[1.7px] rounded-[1px]">'
             '<img src="/img/tempo-plus.svg" alt="Tempo Plus"></span>') if not e.is_free else ""
    img = (f'<a href="{_x(href)}" aria-label="Baca artikel: {_x(e.title)}" class="shrink-0">'
           f'<img src="{_x(e.image_url)}" alt="{_x(e.title)}" class="w-[120px] h-[80px] object-cover"></a>'
           if e.image_url else
           f'<a href="{_x(href)}" aria-label="Baca artikel: {_x(e.title)}" class="shrink-0"></a>')
    date = f'<p class="text-neutral-900 text-xs">{b_visible_time(e.published_at)}</p>' if e.published_at else ""
    section = f'<span class="text-sm font-medium text-primary-main">{_x(e.section)}</span>' if e.section else ""
    return (f'<div class="py-4">\n<figure class="flex flex-row gap-4">\n{img}\n'
            f'<figcaption class="flex flex-col gap-2">{section}{badge}\n'
            f'<p class="text-neutral-1200 font-bold text-lg leading-[122%] line-clamp-3">'
            f'<a href="{_x(href)}">{_x(e.title)}</a></p>\n'
            f'<div class="text-neutral-1000 text-sm line-clamp-2">{_x(e.lead)}</div>\n{date}\n'
            f"</figcaption>\n</figure>\n</div>\n")


def _cards(entries: list[Entry]) -> str:
    return ('<div class="flex flex-col divide-y divide-neutral-500">\n' + "".join(_card(e) for e in entries)
            + "</div>\n")


def indeks_html(entries: list[Entry], query: dict[str, list[str]], per_page: int = 10) -> str:
    # Reconstruction of ``/indeks?page=N[&category=…]`` (docs/site.md §6 "Index"; whether it is server-rendered
    # is the §6 "Conflict"): 10 B items per page, newest first, "next" link while more remain. Filters:
    # ``category=rubrik&rubric_slug=…``, ``category=newsAccess&access=…``, ``category=date&start_date&end_date``,
    # ``date=YYYY-MM-DD``; no filter = every B article.
    def arg(name: str) -> str:
        return (query.get(name) or [""])[0].strip()

    page = _int(arg("page") or "1", 1, lo=1)
    chosen = [e for e in entries if e.layout == "B"]
    if arg("rubric_slug"):
        chosen = [e for e in chosen if e.in_rubric(arg("rubric_slug"))]
    if arg("access"):
        chosen = [e for e in chosen if ("FREE" if e.is_free else "VIP") == arg("access").upper()]
    start, end = arg("start_date")[:10] or arg("date")[:10], arg("end_date")[:10] or arg("date")[:10]
    if start or end:
        chosen = [e for e in chosen if e.published_at
                  and (not start or wib(e.published_at).date().isoformat() >= start)
                  and (not end or wib(e.published_at).date().isoformat() <= end)]
    chosen = newest_first(chosen)
    shown = chosen[(page - 1) * per_page: page * per_page]
    params = {k: v[0] for k, v in query.items() if v}
    nav = ['<nav class="flex justify-between py-6" aria-label="Pagination">']
    if page > 1:
        nav.append(f'<a href="/indeks?{_x(urlencode({**params, "page": page - 1}))}" rel="prev" '
                   f'class="prev">Sebelumnya</a>')
    if len(chosen) > page * per_page:
        nav.append(f'<a href="/indeks?{_x(urlencode({**params, "page": page + 1}))}" rel="next" '
                   f'class="next" aria-label="Halaman berikutnya">Selanjutnya</a>')
    nav.append("</nav>\n")
    canonical = f"{WWW}/indeks?{urlencode({**params, 'page': page})}"
    head = _B_HEAD.format(title="Indeks Berita", canonical=_x(canonical), heading="Indeks")
    return head + _cards(shown) + "".join(nav) + _B_FOOT.format()


def rubric_html(entries: list[Entry], rubric: str, section: str | None) -> str:
    # Reconstruction of the ``/<rubric>`` page (docs/site.md §6; DonnyRZ found it an SSR stub in 2026, so a
    # crawler must not depend on it): the newest 20 items with the §6 index markup and a link to the index.
    chosen = newest_first([e for e in entries if e.in_rubric(rubric)])[:20]
    name = section or rubric.title()
    head = _B_HEAD.format(title=_x(name), canonical=f"{WWW}/{rubric}", heading=_x(name))
    index = urlencode({"page": 1, "category": "rubrik", "rubric_slug": rubric})
    more = f'<p class="py-6"><a href="/indeks?{_x(index)}" class="text-primary-main">Lihat semua</a></p>\n'
    return head + _cards(chosen) + more + _B_FOOT.format()


def home_html(rubrics: list[str]) -> str:
    # Invented: a bare home page linking the replica's listings (no docs/site.md section describes it).
    links = "".join(f'<li><a href="/{r}">{_x(r.title())}</a></li>\n' for r in rubrics)
    return (_B_HEAD.format(title="Tempo", canonical=f"{WWW}/", heading="Tempo") + f"<ul>\n{links}"
            f'<li><a href="/indeks?page=1">Indeks</a></li>\n<li><a href="https://rss.tempo.co/dunia">RSS Dunia</a>'
            f"</li>\n</ul>\n" + _B_FOOT.format())
