"""The crawl report: one self-contained HTML page per run (``report-<UTC>.html``, copied to
``report-latest.html``): verdict, monitors with reasons, totals, discovery per source, fill rates, failed
requests, and plots of this run and of the recent runs in the history. The plots are PNGs inlined as
``data:`` URIs and the style is inline: the page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import statistics
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from tempo_crawler.files import write_atomic
from tempo_crawler.monitors import plotting
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.monitors.outcome import Outcome

LATEST = "report-latest.html"

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:980px;
color:#1d232a;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde3ea}
table{border-collapse:collapse;margin:6px 0;min-width:50%}td,th{padding:3px 10px 3px 0;text-align:left;
vertical-align:top;border-bottom:1px solid #eef1f4}th{font-weight:600;color:#4a5561}
td.n{text-align:right;font-variant-numeric:tabular-nums}.badge{display:inline-block;padding:2px 10px;
border-radius:4px;color:#fff;font-weight:600}.ok{background:#2e7d4f}.bad{background:#c0392b}
.skip{color:#7a8590}.fail{color:#c0392b;font-weight:600}.pass{color:#2e7d4f}.low{color:#c0392b;font-weight:600}
.meta{color:#4a5561}figure{margin:10px 0}img{max-width:100%;border:1px solid #eef1f4}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}"></figure>'


def _table(head: Iterable[str], rows: Iterable[Iterable[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    out = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = cell if isinstance(cell, _Raw) else escape(str(cell))
            cells.append(f'<td class="n">{text}</td>' if i in numeric else f"<td>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"


class _Raw(str):
    """Markup that is not escaped again."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _monitors(outcome: Outcome) -> str:
    rows = []
    for c in sorted(outcome.checks, key=lambda c: {"failed": 0, "skipped": 2}.get(c.status, 1)):
        css = {"failed": "fail", "passed": "pass", "skipped": "skip"}[c.status]
        verdict = _Raw(f'<span class="{css}">{escape(c.status)}</span>')
        detail = c.reason if c.reason else c.description
        rows.append((_Raw(f"<b>{escape(c.name)}</b>"), verdict, c.exit_code if c.status == "failed" else "", detail))
    return _table(("monitor", "result", "exit", "reason / what it checks"), rows)


def _totals(f: dict[str, Any]) -> str:
    failed = f["failed"]
    rows = [
        ("articles discovered (listed by the sources)", f["discovered"]),
        ("articles requested", f["scheduled"]),
        ("known and unchanged (not fetched)", f["unchanged"]),
        ("article pages read", f["pages"]),
        ("items exported", f["items"]),
        ("items dropped", f"{f['dropped']} " + (f"({', '.join(f'{k} {v}' for k, v in f['dropped_reasons'].items())})"
                                                 if f["dropped_reasons"] else "")),
        ("pages quarantined", f["quarantined"]),
        ("pages read from JSON-LD only", f["fallback_pages"]),
        ("failed article requests", failed["articles"]),
        ("failed listing requests", failed["listings"]),
        ("pages whose parsing raised", failed["spider_exceptions"]),
        ("requests / responses", f"{f['requests']} / {f['responses']}"),
        ("blocked responses (403, 429, challenge)", f"{f['blocked']['responses']} ({_pct(f['blocked']['share'])})"),
        ("ERROR / WARNING log lines", f"{f['errors_logged']} / {f['warnings_logged']}"),
    ]
    return _table(("", "count"), rows, numeric={1})


def _sources(f: dict[str, Any]) -> str:
    if not f["sources"]:
        return "<p class=meta>Explicit URLs: no discovery source ran.</p>"
    rows = [(name, n, f["source_errors"].get(name, 0)) for name, n in f["sources"].items()]
    return _table(("source", "articles listed", "failed requests"), rows, numeric={1, 2})


def _fill(f: dict[str, Any], rules: dict[str, float], baseline: list[dict[str, Any]]) -> str:
    if not f["fill"]:
        return "<p class=meta>No item exported: no fill rates.</p>"
    rows = []
    for name, rate in f["fill"].items():
        usual_runs = [r["fill"][name] for r in baseline if name in (r.get("fill") or {})]
        usual = statistics.median(usual_runs) if usual_runs else None
        want = rules.get(name)
        shown = _Raw(f'<span class="low">{_pct(rate)}</span>') if want is not None and rate < want else _pct(rate)
        rows.append((name, shown, _pct(want), _pct(usual)))
    return _table(("field", "filled", "threshold", "usual (recent healthy runs)"), rows, numeric={1, 2, 3})


def _failures(f: dict[str, Any]) -> str:
    failed = f["failed"]
    parts = []
    for title, values in (("failed requests by cause", failed["by_cause"]),
                          ("failed requests by HTTP status", failed["by_status"]),
                          ("attempts that raised, retries included", failed["attempts_by_cause"]),
                          ("responses by HTTP status, retries included", f["statuses"])):
        rows = sorted(values.items())
        parts.append(f"<h3>{escape(title)}</h3>" + (_table(("", "count"), rows, numeric={1}) if rows
                                                    else "<p class=meta>none</p>"))
    return "".join(parts)


def _layouts(f: dict[str, Any]) -> str:
    c = f["canary"]
    rows = [(k, v, c["layouts"].get(k, 0)) for k, v in sorted(f["layouts"].items())]
    table = _table(("layout", "pages read", "pages compared by the canary"), rows, numeric={1, 2}) if rows else ""
    canary = ("<p>Canary: no page carried a JSON-LD articleBody.</p>" if not c["pages"] else
              f"<p>Canary: median token F1 <b>{c['median_f1']:.3f}</b> over {c['pages']} page(s), lowest "
              f"{c['min_f1']:.3f}, {c['below']} under the threshold.</p>")
    return table + canary


def plot_images(ledger: RunLedger, runs: list[dict[str, Any]], settings: Any) -> list[bytes]:
    """The report's plots (PNGs, drawn in a child process: :mod:`.plotting`); raises
    :class:`~tempo_crawler.monitors.plotting.PlotsFailed`. ``runs``: recent history lines, this run's last."""
    threshold = settings.getfloat("TEMPO_MONITOR_CANARY_MIN_F1")
    return plotting.draw(plotting.spec(ledger.published, runs, threshold))


def _plots(pngs: list[bytes] | None, problem: str | None) -> str:
    if pngs is None:
        return f'<p class="fail">The plots could not be drawn: {escape(problem or "not drawn")}</p>'
    return "".join(_img(png, alt) for png, (_, alt) in zip(pngs, plotting.PLOTS, strict=True))


def render(figures: dict[str, Any], outcome: Outcome, ledger: RunLedger, runs: list[dict[str, Any]],
           baseline: list[dict[str, Any]], settings: Any, pngs: list[bytes] | None = None,
           plots_problem: str | None = None) -> str:
    """The report page. ``runs``: recent history lines, this run's last; ``pngs``: its plots
    (:func:`plot_images`), or None and why they are missing (``plots_problem``)."""
    f = figures
    ok = outcome.exit_code == 0
    badge = f'<span class="badge {"ok" if ok else "bad"}">{escape(outcome.status)} · exit {outcome.exit_code}</span>'
    file = Path(f["file"]).name if f.get("file") else "none (nothing new, or nothing exported)"
    verdict = ("Every monitor passed or did not apply to this run." if ok else
               f"{outcome.meaning[0].upper()}{outcome.meaning[1:]}: {len(outcome.failures)} monitor(s) failed.")
    rules = {k: float(v) for k, v in settings.getdict("TEMPO_MONITOR_FILL_RATES").items()}
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tempo crawl {escape(f['run_id'])}: {escape(outcome.status)}</title><style>{_STYLE}</style></head><body>
<h1>Tempo crawl report {badge}</h1>
<p class="meta">run {escape(f['run_id'])} · {escape(f['kind'])} run · started {escape(str(f['started_at']))} ·
{escape(str(f['elapsed_s']))} s · finish reason {escape(str(f['finish_reason']))} · output {escape(file)}</p>
<p>{escape(verdict)}</p>
<h2>Monitors</h2>{_monitors(outcome)}
<h2>Totals</h2>{_totals(f)}
<h2>Discovery per source</h2>{_sources(f)}
<h2>Field fill rates</h2>{_fill(f, rules, baseline)}
<h2>Layouts and canary</h2>{_layouts(f)}
<h2>Plots</h2>{_plots(pngs, plots_problem)}
<h2>Failures</h2>{_failures(f)}
<p class="meta">History: the last {len(runs)} run(s) of history.jsonl. Thresholds: TEMPO_MONITOR_* settings
(README, "Monitors").</p>
</body></html>
"""


def write(directory: Path, stamp: str, page: str) -> Path:
    """``report-<stamp>.html`` and ``report-latest.html`` (both replaced atomically)."""
    path = directory / f"report-{stamp}.html"
    write_atomic(path, page)
    write_atomic(directory / LATEST, page)
    return path
