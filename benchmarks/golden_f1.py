"""Body token precision / recall / F1 over the golden set (parser output vs hand-written expected bodies).

    python -m benchmarks.golden_f1            # parse the golden pages directly
    python -m benchmarks.golden_f1 run.jsonl  # score a crawl's output (e.g. `make demo`) instead
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tempo_crawler.urls import article_key
from tests.golden import goldens, parse_golden, token_prf


def main(argv: list[str]) -> int:
    gs = goldens()
    crawled: dict[str, list[str]] = {}
    if argv:
        for line in Path(argv[0]).read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                crawled[article_key(item["url"]) or item["id"]] = item["body"]
    rows = []
    for g in gs:
        if argv:
            body = crawled.get(article_key(g.expected["url"]) or g.expected["id"])
        else:
            art = parse_golden(g)
            body = art.body if art else None
        p, r, f = token_prf(g.expected["body"], body or [])
        rows.append((g.name, g.expected["layout"], p, r, f, body is None))
    print(f"{'page':32} {'layout':6} {'prec':>6} {'recall':>6} {'F1':>6}")
    for name, layout, p, r, f, missing in rows:
        print(f"{name:32} {layout:6} {p:6.3f} {r:6.3f} {f:6.3f}{'  MISSING' if missing else ''}")
    if rows:
        n = len(rows)
        print(f"{'mean':32} {'':6} {sum(x[2] for x in rows) / n:6.3f} {sum(x[3] for x in rows) / n:6.3f} "
              f"{sum(x[4] for x in rows) / n:6.3f}   min F1 {min(x[4] for x in rows):.3f} over {n} pages")
    return 0 if rows and min(x[4] for x in rows) >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
