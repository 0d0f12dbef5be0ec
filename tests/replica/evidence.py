"""The replica as the public 2026 evidence shows Tempo (``tests/evidence/``, docs/site.md §13): an evidence mode
and a challenge mode, both off by default.

**Evidence mode** (:func:`load`, then ``site.evidence`` is true) adds the articles the evidence names and serves
the discovery forms it shows, built from the real items (same titles, links and dates; hosts rewritten to the
replica's origin by the server, as every response is):

* ``/rss/dunia`` and ``/rss/nasional``: the old system's feeds, one item per distinct link of
  ``legacy-rss-rows-2026-03-04.csv`` (RFC-822 dates in ``+0700``). The CSV keeps only the day: the time of day
  is INVENTED (22:00 WIB, then 10 minutes earlier per row of that day), except for the three links that are
  golden pages (``tests/layouts/jsonld/``), which keep the time their page states;
* ``/api/gateway/rss/free/<rubric>``: the saved gateway feeds of 2026-06-07 as they are (``cekfakta``,
  ``ekonomi``, ``hukum``, ``investigasi``, ``wawancara``); ``?snapshot=2025-07`` on ``cekfakta``: the July 2025
  feed with its ``satu.tempo.co`` links; other rubrics (``internasional``: never saved) as the plain replica;
* ``/<rubric>-sitemap.xml`` for every rubric with new-site articles, and ``/sitemap.xml`` as their index;
  ``<lastmod>`` in a different ISO form per entry (UTC ``Z`` with seconds, ``+07:00``, date only, and the
  ``2026-05-19 20:37 Z`` form one scraper showed);
* ``/indeks?page=N``: the index as a December 2025 scraper read it: items ``figure.contents a`` with relative
  links, paged by query only (no next link), 10 a page, newest first. Whether the rubric filter
  (``category=rubrik&rubric_slug=…``) works in 2026 is unknown; this mode ignores it and lists every rubric,
  the harder case for the crawler.

The added articles' pages: the old system's (``dunia``/``nasional`` ``/read/<id>/``) are pages of a layout nobody
has seen, carrying a schema.org ``NewsArticle`` (read by the JSON-LD fallback); the new site's are the replica's
B template. Their bodies are placeholder text and say so. A partner page with a short id
(``www.tempo.co/abc/4321/…``, INVENTED) and an AMP-cache copy of a golden AMP page are served too.

**Challenge mode** (``site.challenge_share``, 0 … 1): that share of article pages, chosen by a hash of the path
(the same pages every time), is answered with a WAF challenge instead: HTTP 403 with ``cf-mitigated:
challenge`` and Cloudflare's "Just a moment..." page, HTTP 503 with that page, or HTTP 403 with Cloudflare's
"Attention Required!" block page (by another hash of the path).
"""

from __future__ import annotations

import csv
import html
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from tempo_crawler.urls import article_id, canonical_url
from tests.replica import listings as L
from tests.replica.listings import WIB, Entry

if TYPE_CHECKING:
    from tests.replica.server import ReplicaSite, Response

EVIDENCE = Path(__file__).resolve().parents[1] / "evidence"
LEGACY_CSV = EVIDENCE / "legacy-rss-rows-2026-03-04.csv"
GATEWAY = {rubric: EVIDENCE / f"adlandwijaka-tempo-rss_free-{rubric}_2026-06-07.xml"
           for rubric in ("cekfakta", "ekonomi", "hukum", "investigasi", "wawancara")}
SATU_SNAPSHOT = ("cekfakta", "2025-07", EVIDENCE / "adlandwijaka-tempo-rss_free-cekfakta_2025-07-satu-host.xml")
PARTNER_URL = "https://www.tempo.co/abc/4321/dunia-hari-ini-contoh-halaman-mitra"
AMP_CACHE_OF = "amp/1645937"   # golden case whose AMP-cache copy is served
PER_PAGE = 10


# ---------------------------------------------------------------- the evidence, read


@dataclass(frozen=True)
class LegacyRow:
    day: datetime        # the row's day, 00:00 WIB
    topic: str
    title: str
    link: str

    @property
    def feed(self) -> str:
        """``dunia`` or ``nasional``: the kanal host of the link."""
        return urlsplit(self.link).netloc.split(".")[0]


def legacy_rows() -> list[LegacyRow]:
    """Distinct links of the legacy CSV, in file order (first occurrence wins)."""
    out: dict[str, LegacyRow] = {}
    with LEGACY_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            link = row["Link"].strip()
            if link in out:
                continue
            day = datetime.strptime(row["Date"].split(",", 1)[1].strip(), "%d %B %Y").replace(tzinfo=WIB)
            out[link] = LegacyRow(day, row["Topic"].strip(), row["Headline"].strip(), link)
    return list(out.values())


@dataclass(frozen=True)
class FeedItem:
    rubric: str
    title: str
    link: str
    published: datetime
    description: str
    thumbnail: str | None


_ITEM = re.compile(r"<item>(.*?)</item>", re.DOTALL)


def _tag(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", block, re.DOTALL)
    return html.unescape(m.group(1).strip()) if m else None


def feed_items(path: Path, rubric: str) -> list[FeedItem]:
    from email.utils import parsedate_to_datetime

    out = []
    for block in _ITEM.findall(path.read_text("utf-8")):
        out.append(FeedItem(rubric, _tag(block, "title") or "", _tag(block, "link") or "",
                            parsedate_to_datetime(_tag(block, "pubDate") or ""), _tag(block, "description") or "",
                            _tag(block, "thumbnail")))
    return out


def gateway_items() -> list[FeedItem]:
    rubric, _, path = SATU_SNAPSHOT
    items = [i for r, p in GATEWAY.items() for i in feed_items(p, r)] + feed_items(path, rubric)
    out: dict[str, FeedItem] = {}
    for item in items:
        out.setdefault(canonical_url(item.link), item)
    return list(out.values())


# ---------------------------------------------------------------- pages of the added articles


def _json_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def unknown_layout_page(url: str, title: str, published: datetime, section: str | None, paragraphs: list[str]) -> str:
    """An article page of a layout nobody has seen, with a complete schema.org NewsArticle (docs/site.md §5)."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": L.iso(published), "articleSection": section, "mainEntityOfPage": {"@id": url},
          "articleBody": "\n".join(paragraphs)}
    body = "\n".join(f'<div class="rx-para">{html.escape(p)}</div>' for p in paragraphs)
    return ("<!DOCTYPE html>\n<!-- RECONSTRUCTION (replica, evidence mode): a page of a layout nobody has seen; real "
            "URL, title and day (tests/evidence/), INVENTED time and placeholder body; docs/site.md §5 \"JSON-LD "
            "fallback\". -->\n"
            f'<html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)} - Rx</title>'
            f"{_json_script(ld)}</head><body><main class=\"rx-main\"><h1 class=\"rx-title\">{html.escape(title)}</h1>"
            f'<div class="rx-text">{body}</div></main></body></html>\n')


def placeholder(aid: str) -> list[str]:
    return [f"TEMPO.CO, Jakarta - Teks pengganti replika untuk artikel {aid}: isi aslinya tidak ada dalam bukti "
            "publik yang dipakai proyek ini.",
            f"Paragraf kedua artikel {aid}, juga teks pengganti."]


def _legacy_times(rows: list[LegacyRow]) -> dict[str, datetime]:
    per_day: dict[datetime, int] = {}
    out = {}
    for row in rows:
        k = per_day.get(row.day, 0)
        per_day[row.day] = k + 1
        out[row.link] = row.day + timedelta(hours=22) - timedelta(minutes=10 * k)
    return out


def load(site: ReplicaSite) -> None:
    """Add the evidence's articles to ``site`` and switch its listings to the evidence forms (which list the
    old system's 2026 pages: JSON-LD-only pages of no known layout)."""
    site.list_fallback_pages = True
    rows = legacy_rows()
    times = _legacy_times(rows)
    served = set(site.article_page_urls())
    for row in rows:
        if row.link in served:   # a golden page (tests/layouts/jsonld/) already stands there
            continue
        aid = article_id(row.link) or ""
        section = "Dunia" if row.feed == "dunia" else "Nasional"
        site.add_article(url=row.link, title=row.title, id=aid, layout="JSONLD", section=section,
                         published_at=times[row.link],
                         html=unknown_layout_page(row.link, row.title, times[row.link], section, placeholder(aid)))
    for item in gateway_items():
        url = canonical_url(item.link)
        site.add_article(url=url, title=item.title, section=item.rubric.title(), lead=item.description,
                         published_at=item.published, image_url=item.thumbnail,
                         paragraphs=[p.replace("TEMPO.CO, Jakarta - ", "") for p in placeholder(article_id(url) or "")])
    partner_time = datetime(2026, 5, 2, 7, 0, tzinfo=WIB)
    site.add_article(url=PARTNER_URL, title="Dunia Hari Ini: Contoh Halaman Mitra", layout="JSONLD", section="Dunia",
                     published_at=partner_time,
                     html=unknown_layout_page(PARTNER_URL, "Dunia Hari Ini: Contoh Halaman Mitra", partner_time,
                                              "Dunia", placeholder("4321")))
    site.evidence = True


def legacy_listed(site: ReplicaSite, feed: str) -> list[Entry]:
    """The entries the legacy feed ``feed`` lists, newest first."""
    links = {r.link for r in legacy_rows() if r.feed == feed}
    return [e for e in site.articles if e.url in links]


def amp_cache_path(real_url: str) -> str:
    """Where the replica serves a Google AMP-cache copy of an AMP page."""
    parts = urlsplit(real_url)
    return f"/v/s/{parts.netloc}{parts.path}"


# ---------------------------------------------------------------- listings


def _rss_item(e: Entry) -> str:
    return (f"<item>\n<title>{L._x(e.title)}</title>\n<link>{L._x(e.url)}</link>\n"
            f'<guid isPermaLink="true">{L._x(e.url)}</guid>\n'
            f"<pubDate>{L.rfc822(e.published_at)}</pubDate>\n</item>\n")


def legacy_feed(site: ReplicaSite, feed: str) -> str:
    items = [_rss_item(e) for e in legacy_listed(site, feed) if e.published_at]
    return L._rss(f"Tempo.co - {feed.title()}", f"https://{feed}.tempo.co", f"https://rss.tempo.co/{feed}", items, None)


_LASTMOD_FORMS: tuple[Callable[[datetime], str], ...] = (
    lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    lambda d: L.iso(d),
    lambda d: L.wib(d).strftime("%Y-%m-%d"),
    lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M Z"),
)


def new_site_entries(site: ReplicaSite) -> list[Entry]:
    """Articles at new-site URLs (``/<rubric>/<slug>-<id>``), one per URL, newest first."""
    seen: set[str] = set()
    out = []
    for e in site.articles:
        path = urlsplit(e.url).path
        if e.layout in ("B", "JSONLD") and "/read/" not in path and "/abc/" not in path and e.url not in seen:
            seen.add(e.url)
            out.append(e)
    return out


def rubric_of(e: Entry) -> str:
    return urlsplit(e.url).path.strip("/").split("/")[0]


def rubric_sitemap(site: ReplicaSite, rubric: str) -> str | None:
    chosen = [e for e in new_site_entries(site) if rubric_of(e) == rubric]
    if not chosen:
        return None
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for i, e in enumerate(chosen):
        lm = f"<lastmod>{_LASTMOD_FORMS[i % len(_LASTMOD_FORMS)](e.lastmod)}</lastmod>" if e.lastmod else ""
        out.append(f"<url><loc>{L._x(e.url)}</loc>{lm}</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def sitemap_index(site: ReplicaSite) -> str:
    rubrics = sorted({rubric_of(e) for e in new_site_entries(site)})
    children = "".join(f"<sitemap><loc>{L.WWW}/{r}-sitemap.xml</loc></sitemap>\n" for r in rubrics)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + children + "</sitemapindex>\n")


def indeks_page(site: ReplicaSite, query: dict[str, list[str]]) -> str:
    page = L._int((query.get("page") or ["1"])[0] or "1", 1, lo=1)
    chosen = new_site_entries(site)[(page - 1) * PER_PAGE: page * PER_PAGE]
    cards = "".join(
        f'<div class="flex flex-col gap-2"><figure class="contents"><a href="{L._x(urlsplit(e.url).path)}">'
        f'<img src="{L._x(e.image_url or "/img/placeholder.png")}" alt=""></a></figure>'
        f'<p class="font-bold"><a href="{L._x(urlsplit(e.url).path)}">{L._x(e.title)}</a></p>'
        f'<p class="text-xs">{L.b_visible_time(e.published_at) if e.published_at else ""}</p></div>\n'
        for e in chosen)
    params = {k: v[0] for k, v in query.items() if v}
    canonical = f"{L.WWW}/indeks?{urlencode({**params, 'page': page})}"
    return ("<!DOCTYPE html>\n<!-- RECONSTRUCTION (replica, evidence mode): /indeks as a December 2025 scraper read it "
            "(figure.contents a, relative links, paged by query with no next link); docs/site.md §6. -->\n"
            f'<html lang="id"><head><meta charset="utf-8"><title>Indeks | tempo.co</title>'
            f'<link rel="canonical" href="{L._x(canonical)}"></head><body><div id="__nuxt"><main>\n{cards}'
            "</main></div><script>window.__NUXT__={}</script></body></html>\n")


def dispatch(site: ReplicaSite, path: str, query: dict[str, list[str]]) -> tuple[str, str] | None:
    """``(content type, text)`` of an evidence-mode listing, or None when the path is not one of them."""
    from tests.replica.server import HTML, RSS, XML

    m = re.fullmatch(r"/rss/(dunia|nasional)/?", path)
    if m:
        return RSS, legacy_feed(site, m.group(1))
    m = re.fullmatch(r"/api/gateway/rss/free/([a-z0-9-]+)", path)
    if m:
        rubric, snapshot, older = SATU_SNAPSHOT
        if m.group(1) == rubric and (query.get("snapshot") or [""])[0] == snapshot:
            return RSS, older.read_text("utf-8")
        if m.group(1) in GATEWAY:
            return RSS, GATEWAY[m.group(1)].read_text("utf-8")
        return None
    if path == "/sitemap.xml":
        return XML, sitemap_index(site)
    m = re.fullmatch(r"/([a-z0-9-]+)-sitemap\.xml", path)
    if m:
        text = rubric_sitemap(site, m.group(1))
        return (XML, text) if text else None
    if path.rstrip("/") == "/indeks":
        return HTML, indeks_page(site, query)
    return None


def amp_cache_page(site: ReplicaSite, path: str) -> bytes | None:
    """The golden AMP page served at its AMP-cache path (``/v/s/<host>/amp/<id>/<slug>``)."""
    from tests.support.golden import golden

    g = golden(AMP_CACHE_OF)
    if path != amp_cache_path(g.url):
        return None
    return site._page(urlsplit(g.url).path)


# ---------------------------------------------------------------- challenge pages

JUST_A_MOMENT = (b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
                 b'<meta name="robots" content="noindex,nofollow"></head><body><div class="main-wrapper">'
                 b"<h1>www.tempo.co</h1><p>Verifying you are human. This may take a few seconds.</p>"
                 b"<script>window._cf_chl_opt={cType:'managed'};</script>"
                 b'<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>'
                 b"</div></body></html>\n")
ATTENTION = (b'<!DOCTYPE html><html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head><body>'
             b'<div id="cf-wrapper"><div id="cf-error-details"><h1>Sorry, you have been blocked</h1>'
             b"<h2>You are unable to access tempo.co</h2></div></div></body></html>\n")


def challenged(path: str, share: float) -> bool:
    return share > 0 and zlib.crc32(path.encode("utf-8")) % 1000 < share * 1000


def challenge(path: str) -> Response:
    from tests.replica.server import HTML, Response

    form = zlib.crc32(path.encode("utf-8"), 7) % 3
    if form == 0:
        return Response(403, HTML, JUST_A_MOMENT, {"Server": "cloudflare", "cf-mitigated": "challenge"})
    if form == 1:
        return Response(503, HTML, JUST_A_MOMENT, {"Server": "cloudflare", "Retry-After": "1"})
    return Response(403, HTML, ATTENTION, {"Server": "cloudflare"})
