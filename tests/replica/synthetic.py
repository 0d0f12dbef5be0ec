"""Synthetic, clearly fictional B-layout articles for volume tests (kill/resume, benchmarks).

``make_synthetic(n)`` returns n deterministic catalogue entries (ids 9000001…, published at distinct
minutes counting back from 2025-06-01 10:00 WIB, every 10th one Tempo+/VIP) with the spec of their page;
pages are rendered lazily by :func:`render_b_page`, so generating 2000 costs a few milliseconds.
The template is a RECONSTRUCTION following docs/site.md §5 (and §9 for the Tempo+ teaser).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

from tests.replica.listings import WIB, WWW, Entry, b_visible_time, iso, slugify

FIRST_ID = 9000001
NEWEST = datetime(2025, 6, 1, 10, 0, tzinfo=WIB)
DATELINE = "Kota Contoh"
_PLACES = ["Negeri Contoh", "Republik Fiktif", "Kepulauan Rekaan", "Federasi Khayalan", "Kerajaan Andaian",
           "Uni Samaran", "Provinsi Percobaan"]
_TOPICS = ["Gelar Pemilu Fiktif", "Umumkan Kebijakan Rekaan", "Tanda Tangani Perjanjian Khayalan",
           "Hadapi Cuaca Buatan", "Resmikan Jembatan Percobaan", "Bahas Anggaran Contoh",
           "Sambut Delegasi Sintetis", "Luncurkan Satelit Imajiner", "Tunda Sidang Fiktif",
           "Buka Festival Rekaan", "Perbarui Aturan Contoh"]
TEMPO_PLUS_TEASER = [
    "Akses edisi mingguan dari Tahun 1971",
    "Akses penuh seluruh artikel Tempo+",
    "Baca dengan lebih sedikit gangguan iklan",
    "Fitur baca cepat di edisi Mingguan",
    "Anda Mendukung Independensi Jurnalisme Tempo",
]


@dataclass
class BSpec:
    """What the B template needs beyond the catalogue entry."""

    paragraphs: list[str]                       # full body; paragraph 1 may open with the dateline
    reporters: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    pick: tuple[str, str] | None = None         # "Pilihan Editor" (title, real url)


def _x(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def synthetic_paragraphs(k: int, title: str, count: int) -> list[str]:
    place = _PLACES[k % len(_PLACES)]
    out = [f"TEMPO.CO, {DATELINE} - Artikel sintetis nomor {k} adalah teks fiktif buatan replika untuk menguji "
           f"crawler. Ceritanya tentang {place}, sebuah tempat yang tidak pernah ada, "
           f"dan judulnya \u201c{title}\u201d."]
    for i in range(2, count + 1):
        out.append(f"Artikel sintetis nomor {k}, paragraf {i}. Semua nama, angka, dan kutipan di sini rekaan belaka; "
                   f"paragraf ini hanya mengisi halaman agar panjangnya mirip berita sungguhan dari {place}. "
                   f"Nomor urut {k * 10 + i} dicantumkan supaya setiap paragraf berbeda.")
    return out


def synthetic_title(k: int) -> str:
    return f"Artikel Sintetis Nomor {k}: {_PLACES[k % len(_PLACES)]} {_TOPICS[k % len(_TOPICS)]}"


def make_synthetic(n: int, first_id: int = FIRST_ID, newest: datetime = NEWEST) -> list[tuple[Entry, BSpec]]:
    """n fictional internasional B articles with ids ``first_id``…; the i-th (0-based) is published i minutes
    before ``newest``. Article number k = id - 9000000 (so "nomor 17" is id 9000017 in every batch)."""
    out: list[tuple[Entry, BSpec]] = []
    for i in range(n):
        aid = first_id + i
        k = aid - FIRST_ID + 1
        title = synthetic_title(k)
        url = f"{WWW}/internasional/{slugify(title)}-{aid}"
        published = newest - timedelta(minutes=i)
        entry = Entry(
            id=str(aid), url=url, layout="B", page_url=url, link_url=url, name=f"synthetic-{aid}",
            section="Internasional", title=title,
            lead=f"Ringkasan artikel sintetis nomor {k}: teks fiktif buatan replika, bukan berita.",
            published_at=published, modified_at=None,
            image_url=f"https://statik.tempo.co/data/{published:%Y/%m/%d}/id_{aid}/{aid}_720.jpg",
            image_caption=f"Ilustrasi fiktif artikel sintetis nomor {k}. Dok. Replika",
            is_free=k % 10 != 0, tags=["artikel-sintetis", f"topik-rekaan-{k % 7}"],
            content_category="berita", synthetic=True,
        )
        pick = None
        if i < n - 1:
            ptitle = synthetic_title(k + 1)
            pick = (ptitle, f"{WWW}/internasional/{slugify(ptitle)}-{aid + 1}")
        spec = BSpec(paragraphs=synthetic_paragraphs(k, title, 4 + k % 4),
                     reporters=[f"Penulis Sintetis {k % 5 + 1}"], editors=[f"Editor Sintetis {k % 3 + 1}"], pick=pick)
        out.append((entry, spec))
    return out


def default_spec(e: Entry, paragraphs: list[str] | None = None) -> BSpec:
    """Spec for an article added at run time without its own HTML."""
    if not paragraphs:
        paragraphs = [f"TEMPO.CO, {DATELINE} - Artikel tambahan {e.id} adalah teks fiktif buatan replika.",
                      f"Paragraf kedua artikel tambahan {e.id}, juga rekaan belaka.",
                      f"Paragraf ketiga artikel tambahan {e.id}, penutup yang fiktif."]
    return BSpec(paragraphs=list(paragraphs), reporters=["Penulis Replika"], editors=["Editor Replika"])


def expected_fields(e: Entry, spec: BSpec) -> dict[str, Any]:
    """The fields of the item a crawler should produce for a template-rendered article, by construction.
    Partial on purpose (only what the template fixes unambiguously); ``url`` is the real canonical URL."""
    body = list(spec.paragraphs if e.is_free else spec.paragraphs[:2])
    dateline = None
    prefix = f"TEMPO.CO, {DATELINE} - "
    if body and body[0].startswith(prefix):
        dateline, body[0] = DATELINE, body[0][len(prefix):]
    return {
        "id": e.id, "url": e.url, "layout": "B", "section": e.section, "title": e.title, "lead": e.lead,
        "published_at": iso(e.published_at) if e.published_at else None, "dateline": dateline,
        "image_url": e.image_url, "image_caption": e.image_caption, "body": body,
        "editors_pick": {"title": spec.pick[0], "url": spec.pick[1]} if spec.pick and e.is_free else None,
        "tags": list(e.tags), "is_free": e.is_free, "truncated": not e.is_free,
    }


def _json_script(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def render_b_page(e: Entry, spec: BSpec) -> str:
    """A B-layout article page (docs/site.md §5): JSON-LD NewsArticle + BreadcrumbList, og/canonical meta,
    ``h1.text-[26px]``, ``figure > img + figcaption``, one ``div#content-wrapper`` per paragraph with
    ``div#ads-slot-N`` between, tags, ``window.__NUXT__={}``; Tempo+ articles show a teaser (§9)."""
    rubric = e.rubric or "internasional"
    section = e.section or rubric.title()
    shown = spec.paragraphs if e.is_free else spec.paragraphs[:2]
    body_lines = list(shown)
    if e.is_free and spec.pick:
        body_lines.append(f"Pilihan Editor: {spec.pick[0]}")
    people = [(n, f"{WWW}/penulis/{slugify(n)}-{7000 + sum(map(ord, n)) % 1000}")
              for n in spec.reporters + spec.editors]
    article_ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": e.title, "description": e.lead,
        "image": e.image_url, "datePublished": iso(e.published_at) if e.published_at else None,
        "isAccessibleForFree": e.is_free, "articleBody": "\n".join(body_lines),
        "author": [{"@type": "Person", "name": n, "url": u} for n, u in people],
        "publisher": {"@type": "Organization", "name": "PT Tempo Inti Media",
                      "logo": {"@type": "ImageObject", "url": "https://tempo.co/logo.png"}},
        "mainEntityOfPage": {"@type": "WebPage", "@id": e.url},
    }
    if e.modified_at:
        article_ld["dateModified"] = iso(e.modified_at)
    crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://tempo.co"},
        {"@type": "ListItem", "position": 2, "name": section, "item": f"https://tempo.co/{rubric}"}]}
    when = b_visible_time(e.published_at) if e.published_at else ""
    kind = "synthetic" if e.synthetic else "added at run time"
    h: list[str] = [
        "<!DOCTYPE html>\n",
        f"<!-- RECONSTRUCTION (replica, {kind}): fictional text, not a Tempo article. B-layout markup per "
        "docs/site.md §5 (JSON-LD, meta, h1, figure, one div#content-wrapper per paragraph, #ads-slot-N, "
        "window.__NUXT__ stub) and §9 (Tempo+ teaser). -->\n",
        '<html lang="id">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{_x(e.title)} | tempo.co</title>\n",
        f'<meta name="description" content="{_x(e.lead)}">\n',
        f'<meta name="author" content="{_x(", ".join(spec.reporters))}">\n',
        '<meta property="og:type" content="article">\n<meta property="og:site_name" content="Tempo">\n',
        f'<meta property="og:title" content="{_x(e.title)}">\n',
        f'<meta property="og:url" content="{_x(e.url)}">\n',
        f'<meta property="og:description" content="{_x(e.lead)}">\n',
    ]
    if e.image_url:
        h.append(f'<meta property="og:image" content="{_x(e.image_url)}">\n')
    if when:
        h.append(f'<meta property="article:published_time" content="{_x(when)}">\n')
    h += [
        f'<link rel="canonical" href="{_x(e.url)}">\n',
        f'<script type="application/ld+json">{_json_script(article_ld)}</script>\n',
        f'<script type="application/ld+json">{_json_script(crumbs)}</script>\n',
        "</head>\n<body>\n<div id=\"__nuxt\">\n",
        '<div class="mx-auto lg:w-[728px] overflow-hidden my-6"><div class="remp-banner"></div></div>\n',
        '<article class="grow space-y-6 overflow-x-clip z-10">\n',
        f'<div class="flex gap-2"><span class="text-sm font-medium text-primary-main">{_x(section)}</span></div>\n',
        f'<h1 class="text-[26px] font-bold leading-[122%] text-neutral-1200">{_x(e.title)}</h1>\n',
        f'<div class="text-neutral-1000 text-base">{_x(e.lead)}</div>\n',
        f'<p class="text-neutral-900 text-sm">{_x(when)}</p>\n<div class="flex gap-2">\n',
    ]
    for n, u in people:
        h.append(f'<a href="{_x(u)}"><img src="https://statik.tempo.co/avatar/{slugify(n)}.jpg" alt=""></a>'
                 f'<a href="{_x(u)}">{_x(n)}</a>\n')
    h.append("</div>\n")
    if e.image_url:
        h.append(f'<figure>\n<img src="{_x(e.image_url)}" alt="{_x(e.title)}">\n'
                 f"<figcaption>{_x(e.image_caption)}</figcaption>\n</figure>\n")
    for i, p in enumerate(shown, 1):
        if i > 1:
            h.append(f'<div id="ads-slot-{i - 1}"></div>\n')
        h.append(f'<div id="content-wrapper" class="max-lg:container xl">\n<p>{_x(p)}</p>\n</div>\n')
        if i == 2 and e.is_free:
            h.append('<div class="bg-neutral-200 w-full text-center border-2 border-neutral-300 border-b-0 p-3">'
                     '<p class="text-neutral-900 text-xs">Scroll ke bawah untuk melanjutkan membaca</p></div>\n')
    if e.is_free and spec.pick:
        h.append(f'<div id="content-wrapper" class="max-lg:container xl">\n<p>Pilihan Editor: '
                 f'<a href="{_x(spec.pick[1])}">{_x(spec.pick[0])}</a></p>\n</div>\n')
    if not e.is_free:
        h.append('<div class="p-6 border border-neutral-600 rounded">\n'
                 + "".join(f"<p>{_x(t)}</p>\n" for t in TEMPO_PLUS_TEASER) + "</div>\n")
    if e.tags:
        h.append('<div id="article-tags" class="container lg:w-full lg:mx-0 lg:px-0 gap-4 flex flex-wrap">\n')
        h += [f'<div><a href="/tag/{_x(t)}" class="bg-primary-surface rounded p-2">'
              f'<span class="text-primary-main font-medium">{_x(t)}</span></a></div>\n' for t in e.tags]
        h.append("</div>\n")
    h.append("</article>\n</div>\n<script>window.__NUXT__={}</script>\n</body>\n</html>\n")
    return "".join(h)
