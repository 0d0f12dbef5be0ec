"""The monitors of what the pages and items look like: field fill rates (against thresholds and recent runs),
pages not read from the DOM, the layout canary and the dominant layout (base: :mod:`.checks`)."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from spidermon import monitors

from tempo_crawler.exitcodes import LAYOUT_DRIFT
from tempo_crawler.monitors.checks import TempoMonitor


def _fill_rules(settings: Any) -> dict[str, float]:
    return {k: float(v) for k, v in settings.getdict("TEMPO_MONITOR_FILL_RATES").items()}


class _FillCheck(TempoMonitor):
    def checked_fill(self) -> dict[str, float]:
        f = self.figures
        need = int(self.setting("FILL_MIN_ITEMS"))
        if f["items"] < need:
            self.skipTest(f"{f['items']} item(s) exported, {need} needed for fill rates to mean something")
        return f["fill"]


@monitors.name("Field fill rates")
class FillRateMonitor(_FillCheck):
    """Share of exported items with each field filled (Spidermon field coverage, None and empty not counted)
    is at least its ``TEMPO_MONITOR_FILL_RATES`` threshold."""

    @monitors.name("fill rates ≥ TEMPO_MONITOR_FILL_RATES")
    def test_fill(self) -> None:
        fill = self.checked_fill()
        low = [(name, fill.get(name, 0.0), want) for name, want in _fill_rules(self.crawler.settings).items()
               if fill.get(name, 0.0) < want]
        if low:
            self.fail("fields under their threshold: " + ", ".join(
                f"{name} {got:.0%} < {want:.0%}" for name, got, want in low))


@monitors.name("Fill rates vs recent runs")
class FillDropMonitor(_FillCheck):
    """No field's fill rate fell more than ``TEMPO_MONITOR_FILL_MAX_DROP`` below its median over recent healthy
    runs (which exported enough items)."""

    @monitors.name("no fill rate fell")
    def test_fill_drop(self) -> None:
        fill = self.checked_fill()
        need = int(self.setting("FILL_MIN_ITEMS"))
        runs = [run for run in self.baseline if run.get("items", 0) >= need and run.get("fill")]
        self.enough_history(runs)
        drop = self.setting("FILL_MAX_DROP")
        fell = []
        for name, got in sorted(fill.items()):
            usual = statistics.median(run["fill"].get(name, 0.0) for run in runs)
            if got < usual - drop:
                fell.append(f"{name} {got:.0%} (usually {usual:.0%})")
        if fell:
            self.fail(f"fields that fell more than {drop:.0%} below the last {len(runs)} healthy run(s): "
                      + ", ".join(fell))


@monitors.name("Pages read from the DOM")
class UnreadPagesMonitor(TempoMonitor):
    """Share of article pages quarantined (no known layout, or empty) or read only through the JSON-LD
    fallback (the DOM gave no body)."""

    @monitors.name("unread share under TEMPO_MONITOR_MAX_UNREAD_SHARE")
    def test_unread(self) -> None:
        f, limit = self.figures, self.setting("MAX_UNREAD_SHARE")
        if f["unread_share"] > limit:
            self.fail(f"{f['quarantined']} page(s) quarantined and {f['fallback_pages']} read only from JSON-LD of "
                      f"{f['pages'] + f['quarantined']} ({f['unread_share']:.0%} > {limit:.0%})")


@monitors.name("Layout canary")
class CanaryMonitor(TempoMonitor):
    """Median token F1 between the JSON-LD ``articleBody`` and the body read from the DOM, over the pages that
    carry one: a redesign that moves the body drops it to 0 even when a fallback fills the field."""

    exit_code = LAYOUT_DRIFT

    @monitors.name("median F1 ≥ TEMPO_MONITOR_CANARY_MIN_F1")
    def test_canary(self) -> None:
        canary = self.figures["canary"]
        need = int(self.setting("CANARY_MIN_PAGES"))
        if canary["pages"] < need:
            self.skipTest(f"{canary['pages']} page(s) with a JSON-LD articleBody, {need} needed")
        limit = self.setting("CANARY_MIN_F1")
        if canary["median_f1"] < limit:
            layouts = ", ".join(f"{k} {v}" for k, v in sorted(canary["layouts"].items()))
            self.fail(f"median token F1 between JSON-LD articleBody and the DOM body {canary['median_f1']:.2f} < "
                      f"{limit:.2f} over {canary['pages']} page(s) ({layouts}); {canary['below']} page(s) under "
                      f"the threshold: the body is no longer where the parser reads it")


@monitors.name("Dominant layout")
class LayoutMixMonitor(TempoMonitor):
    """The layout most pages were read with is the one recent healthy runs of the same kind had."""

    exit_code = LAYOUT_DRIFT

    @monitors.name("dominant layout unchanged")
    def test_dominant(self) -> None:
        f = self.figures
        need = int(self.setting("LAYOUT_MIN_PAGES"))
        if f["pages"] < need:
            self.skipTest(f"{f['pages']} page(s) parsed, {need} needed")
        runs = [run for run in self.baseline if run.get("pages", 0) >= need and run.get("dominant_layout")]
        self.enough_history(runs)
        usual = Counter(run["dominant_layout"] for run in runs).most_common(1)[0][0]
        now = f["dominant_layout"]
        if now != usual:
            share = f["layouts"][now] / f["pages"]
            self.fail(f"most pages are now {now} ({share:.0%} of {f['pages']}); the last {len(runs)} healthy "
                      f"run(s) were mostly {usual}")


DATA_MONITORS = (FillRateMonitor, FillDropMonitor, UnreadPagesMonitor, CanaryMonitor, LayoutMixMonitor)
