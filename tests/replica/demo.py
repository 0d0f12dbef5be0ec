"""``make demo``: serve the replica on loopback and crawl it like the live site, into ``output/``.

Uses a throw-away state directory so every demo exports the whole replica.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.replica.server import start_replica, stop
from tests.support.crawl import LOCAL_SETTINGS, REPORT, ROOT


def main() -> int:
    server, site, origin = start_replica(port=0)
    out_dir = ROOT / "output"
    before = set(out_dir.glob("world-*.jsonl"))
    try:
        with tempfile.TemporaryDirectory(prefix="tempo-demo-") as tmp:
            settings = {**LOCAL_SETTINGS, **REPORT, "TEMPO_BASE_URL": origin, "TEMPO_STATS_FILE": f"{tmp}/stats.json",
                        "TEMPO_STATE_PATH": f"{tmp}/state.sqlite"}
            cmd = [sys.executable, "-m", "scrapy", "crawl", "world"]
            for k, v in settings.items():
                cmd += ["-s", f"{k}={v}"]
            print(f"demo: replica at {origin}; running: scrapy crawl world -s TEMPO_BASE_URL={origin}", flush=True)
            rc = subprocess.call(cmd, cwd=ROOT, stdin=subprocess.DEVNULL)
            stats = json.loads(Path(f"{tmp}/stats.json").read_text("utf-8")) if Path(f"{tmp}/stats.json").exists() \
                else {}
    finally:
        stop(server)
    new = sorted(set(out_dir.glob("world-*.jsonl")) - before)
    if rc != 0 or not new:
        print(f"demo: crawl failed (exit {rc})", file=sys.stderr)
        return rc or 1
    items = [json.loads(line) for line in new[-1].read_text("utf-8").splitlines() if line.strip()]
    layouts = collections.Counter(i["layout"] for i in items)
    print(f"demo: {len(items)} articles in {new[-1].relative_to(ROOT)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(layouts.items()))}); report: output/report-latest.html")
    for key in sorted(k for k in stats if k.startswith("tempo/source/") and k.endswith("/articles")):
        print(f"demo:   {key} = {stats[key]}")
    from benchmarks.golden_f1 import main as golden

    return golden([str(new[-1])])


if __name__ == "__main__":
    sys.exit(main())
