"""Accuracy on the golden set, ours against the generic extractors (trafilatura, newspaper4k, Fundus's
generic parts): what each gets right of what a reader of the page would write down.

    python -m benchmarks.accuracy [--pages N] [--detail]

Per tool, over every golden page (the expected items are written by hand from the page text):

* body token precision / recall / F1 (bag of word tokens, as ``benchmarks.golden_f1``; mean over pages);
* title exact (whitespace folded);
* ``published_at`` exact to the minute **with** its offset (a date without time or zone is not exact);
* reporters exact and editors exact (as sets; a tool without the notion scores "—"); for ours also the
  layout it detected (a wrong one means a broken install, e.g. lxml < 6);
* chrome leaks: pages whose title or body carries a string of the Tempo chrome lexicon; e-mail leaks:
  pages whose title or body carries an e-mail address.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from benchmarks.common import Page, golden_pages, save, table
from benchmarks.extractors import EXTRACTORS, SCORED, Extract, unavailable


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def _minute(value: datetime | str | None) -> tuple[str, Any] | None:
    """(wall time to the minute, offset) of an aware date; None when missing, naive or day-only."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if len(value) <= 10:   # a day without a time is not exact to the minute
            return None
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M"), value.utcoffset()


def score_page(tool: str, page: Page, got: Extract) -> dict[str, Any]:
    from tempo_crawler.text.chrome import is_chrome
    from tests.support.golden import token_prf
    from tests.support.leaks import emails_in, forbidden_in

    exp = page.expected
    p, r, f = token_prf(exp["body"], got.body)
    text = "\n".join([got.title or "", *got.body])
    emails = set(emails_in(text))
    chrome = [s for s in forbidden_in(text) if s not in emails] + [b for b in got.body if is_chrome(b)]
    want_date = _minute(exp.get("published_at"))
    return {
        "precision": p, "recall": r, "f1": f,
        "title": _fold(got.title) == _fold(exp.get("title")),
        "published_at": want_date is not None and _minute(got.published_at) == want_date,
        "reporters": None if got.reporters is None else sorted(set(got.reporters)) == sorted(set(exp["reporters"])),
        "editors": None if got.editors is None else sorted(set(got.editors)) == sorted(set(exp["editors"])),
        "layout": None if got.layout is None else got.layout == exp["layout"],
        "chrome_leak": bool(chrome), "email_leak": bool(emails),
        "chrome": chrome[:3],
    }


def measure(pages: list[Page]) -> dict[str, Any]:
    tools = [t for t in EXTRACTORS if unavailable(t) is None]
    missing = {t: unavailable(t) for t in EXTRACTORS if unavailable(t) is not None}
    per_page: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in tools}
    for tool in tools:
        fn = SCORED[tool]
        for p in pages:
            try:
                got = fn(p.url, p.html, p.fetched_at, p.extra) if tool == "ours" else fn(p.url, p.html, p.fetched_at)
            except Exception as exc:  # noqa: BLE001 - a tool that crashes on a page scores nothing there
                got = Extract()
                print(f"  {tool} failed on {p.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            per_page[tool][p.name] = score_page(tool, p, got)
    summary = {}
    n = len(pages)
    for tool in tools:
        rows = list(per_page[tool].values())
        summary[tool] = {
            "precision": sum(r["precision"] for r in rows) / n, "recall": sum(r["recall"] for r in rows) / n,
            "f1": sum(r["f1"] for r in rows) / n, "min_f1": min(r["f1"] for r in rows),
            "title_exact": sum(r["title"] for r in rows) / n,
            "published_exact": sum(r["published_at"] for r in rows) / n,
            "reporters_exact": None if rows[0]["reporters"] is None else sum(r["reporters"] for r in rows) / n,
            "editors_exact": None if rows[0]["editors"] is None else sum(r["editors"] for r in rows) / n,
            "layout_exact": None if rows[0]["layout"] is None else sum(bool(r["layout"]) for r in rows) / n,
            "chrome_leak_pages": sum(r["chrome_leak"] for r in rows),
            "email_leak_pages": sum(r["email_leak"] for r in rows),
        }
    return {"pages": n, "tools": tools, "missing": missing, "summary": summary, "per_page": per_page}


def report(res: dict[str, Any], detail: bool = False) -> str:
    head = ["tool", "body P", "body R", "body F1", "min F1", "title", "published", "reporters", "editors",
            "layout", "chrome leaks", "e-mail leaks"]
    rows = []
    for t in res["tools"]:
        s = res["summary"][t]
        rows.append([t, s["precision"], s["recall"], s["f1"], s["min_f1"], s["title_exact"], s["published_exact"],
                     s["reporters_exact"], s["editors_exact"], s["layout_exact"], s["chrome_leak_pages"],
                     s["email_leak_pages"]])
    for t in res["missing"]:
        rows.append([t, *([None] * (len(head) - 1))])
    out = [f"accuracy: {res['pages']} golden pages (fractions of pages exact; leaks: pages affected)",
           table(head, rows, digits=3)]
    for t, why in res["missing"].items():
        out.append(f"  {t}: {why}")
    if detail:
        for t in res["tools"]:
            for name, r in res["per_page"][t].items():
                wrong = [k for k in ("title", "published_at", "reporters", "editors", "layout") if r[k] is False]
                if r["f1"] < 0.99 or wrong or r["chrome_leak"] or r["email_leak"]:
                    out.append(f"  {t:12} {name:24} F1 {r['f1']:.3f} wrong {','.join(wrong) or '-'} "
                               f"{'chrome ' + repr(r['chrome']) if r['chrome_leak'] else ''}"
                               f"{' e-mail' if r['email_leak'] else ''}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=None, help="only N golden pages (every layout kept)")
    ap.add_argument("--detail", action="store_true", help="list every page a tool gets wrong")
    args = ap.parse_args(argv)
    res = measure(golden_pages(args.pages))
    print(report(res, args.detail))
    save("accuracy", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
