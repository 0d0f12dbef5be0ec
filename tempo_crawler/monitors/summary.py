"""The few lines a run ends with (the whole stats dump stays at DEBUG and in ``TEMPO_STATS_FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tempo_crawler.exitcodes import OK
from tempo_crawler.monitors.outcome import Outcome


def _counts(values: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def failed_requests(figures: dict[str, Any]) -> int:
    failed = figures["failed"]
    return failed["articles"] + failed["listings"]


def summary_lines(figures: dict[str, Any], outcome: Outcome, report: Path | None) -> list[str]:
    """Headline, discovery and pages, monitors (+ one line per failed monitor)."""
    f = figures
    verdict = (f"{outcome.status} (exit 0)" if outcome.exit_code == OK
               else f"FAILED: {outcome.status} (exit {outcome.exit_code}: {outcome.meaning})")
    file = Path(f["file"]).name if f.get("file") else None
    exported = f"{f['items']} exported" + (f" to {file}" if file else (" (no file written)" if not f["items"] else ""))
    elapsed = f" in {f['elapsed_s']:g} s" if f.get("elapsed_s") is not None else ""
    dropped = f"{f['dropped']} dropped" + (f" ({_counts(f['dropped_reasons'])})" if f["dropped_reasons"] else "")
    lines = [f"run {f['run_id']} {verdict}{elapsed}: {exported}, {dropped}, {f['quarantined']} quarantined, "
             f"{failed_requests(f)} failed request(s)"]
    sources = f" from {len(f['sources'])} sources ({_counts(f['sources'])})" if f["sources"] else ""
    canary = f["canary"]
    canary_text = (f"; canary F1 median {canary['median_f1']:.2f} over {canary['pages']} page(s)"
                   if canary["pages"] else "")
    layouts = f" ({_counts(f['layouts'])})" if f["layouts"] else ""
    lines.append(f"{f['kind']} run: {f['discovered']} article link(s) discovered{sources}; {f['unchanged']} known "
                 f"and unchanged; {f['pages']} page(s) read{layouts}{canary_text}")
    counts = {s: sum(1 for c in outcome.checks if c.status == s) for s in ("passed", "skipped", "failed")}
    lines.append(f"monitors: {counts['passed']} passed, {counts['skipped']} skipped, {counts['failed']} failed"
                 + (f"; report {report}" if report else ""))
    lines += [f"  failed: {c.name} (exit {c.exit_code}): {c.reason}" for c in outcome.failures]
    return lines
