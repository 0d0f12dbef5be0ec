"""Body token precision / recall / F1 over the golden set.

    python -m benchmarks.golden_f1            # parse every golden page directly (one row per page)
    python -m benchmarks.golden_f1 run.jsonl  # score a crawl's output (e.g. `make demo`): one row per article

A crawl exports each article once, so twin pages of one article (AMP copy, ``full&view=ok``) are scored
together: the item against the twin it came from (best F1). Articles outside the world-news section
(the replica's ekonomi page) must be absent from a crawl and are reported, not scored.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from tempo_crawler.urls import article_key
from tests.support.golden import Golden, goldens, parse_golden, token_prf

WORLD_RUBRICS = ("internasional",)


def is_world(g: Golden) -> bool:
    from urllib.parse import urlsplit

    return g.expected["layout"] != "B" or urlsplit(g.expected["url"]).path.strip("/").split("/")[0] in WORLD_RUBRICS


def score_pages() -> list[tuple[str, str, float, float, float, str]]:
    rows = []
    for g in goldens():
        art = parse_golden(g)
        p, r, f = token_prf(g.expected["body"], art.body if art else [])
        rows.append((g.name, g.expected["layout"], p, r, f, "" if art else "NO LAYOUT"))
    return rows


def score_crawl(path: Path) -> list[tuple[str, str, float, float, float, str]]:
    crawled: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            crawled[article_key(item["url"]) or item["id"]].append(item)
    twins: dict[str, list[Golden]] = defaultdict(list)
    for g in goldens():
        twins[article_key(g.expected["url"]) or g.expected["id"]].append(g)
    rows = []
    for key, gs in sorted(twins.items()):
        items = crawled.pop(key, [])
        name = "/".join(g.name for g in gs)
        if all(g.expected["layout"] == "JSONLD" for g in gs) and not items:
            print(f"{name:32} JSONLD served, not listed by the replica: not crawled")   # tests/replica/server.py
            continue
        if not all(is_world(g) for g in gs):
            note = "other section: absent as it should be" if not items else "ERROR: other section exported"
            print(f"{name:32} {gs[0].expected['layout']:6} {note}")
            if items:
                rows.append((name, "", 0.0, 0.0, 0.0, note))
            continue
        if len(items) != 1:
            rows.append((name, gs[0].expected["layout"], 0.0, 0.0, 0.0, f"EXPORTED {len(items)} TIMES"))
            continue
        best = max((token_prf(g.expected["body"], items[0]["body"]) + (g,) for g in gs), key=lambda x: x[2])
        rows.append((best[3].name, items[0]["layout"], best[0], best[1], best[2], ""))
    for key, items in crawled.items():
        rows.append((key, items[0]["layout"], 0.0, 0.0, 0.0, "NOT IN GOLDEN SET"))
    return rows


def main(argv: list[str]) -> int:
    rows = score_crawl(Path(argv[0])) if argv else score_pages()
    print(f"{'page':32} {'layout':6} {'prec':>6} {'recall':>6} {'F1':>6}")
    for name, layout, p, r, f, note in rows:
        print(f"{name:32} {layout:6} {p:6.3f} {r:6.3f} {f:6.3f}  {note}".rstrip())
    if not rows:
        return 1
    n = len(rows)
    print(f"{'mean':32} {'':6} {sum(x[2] for x in rows) / n:6.3f} {sum(x[3] for x in rows) / n:6.3f} "
          f"{sum(x[4] for x in rows) / n:6.3f}   min F1 {min(x[4] for x in rows):.3f} over {n} "
          f"{'articles' if argv else 'pages'}")
    return 0 if min(x[4] for x in rows) >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
