"""Store integrity (issue 11, defect 7): an empty, truncated or corrupt seen-store is never silently recreated
(that exported every article again); the run refuses with one clear line and exit 1; ``scrapy state reset``
and ``-a reset=1`` always work, moving the bad file aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tempo_crawler.state.store import SeenStore
from tests.support.cron import WITHOUT_LEGACY_FEED, CronSite

pytestmark = pytest.mark.crawl


def damage(state: Path, how: str) -> None:
    if how == "empty":
        state.write_bytes(b"")
    elif how == "truncated":
        state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    else:  # corrupt: pages overwritten with garbage
        data = bytearray(state.read_bytes())
        data[4096:12288] = os.urandom(8192)
        state.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(state) + suffix).unlink(missing_ok=True)


@pytest.fixture
def stored(make_replica, tmp_path: Path) -> tuple[object, CronSite]:  # noqa: ANN001
    """A replica of 6 articles and a store that has seen them (and 60 more, so it spans several pages)."""
    replica = make_replica(synthetic=6, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path, extra=WITHOUT_LEGACY_FEED)
    store = SeenStore(cron.state)
    seen = [{"id": e.id, "url": e.url, "title": e.title, "body": [f"Isi {e.id}."]} for e in replica.site.articles]
    filler = [{"id": str(9500000 + n), "url": f"https://www.tempo.co/internasional/lama-{9500000 + n}",
               "title": f"Artikel lama {n}", "body": [f"Isi lama {n}. " * 20]} for n in range(60)]
    for item in seen + filler:
        store.record(item, now="2025-06-02T00:00:00+00:00")
    store.commit()
    store.close()
    assert cron.state.stat().st_size > 16384
    return replica, cron


@pytest.mark.parametrize("how", ["empty", "truncated", "corrupt"])
def test_a_damaged_store_refuses_the_run_in_one_line(stored, how: str) -> None:  # noqa: ANN001
    replica, cron = stored
    damage(cron.state, how)
    size = cron.state.stat().st_size
    files = cron.files()
    refused = cron.run("-a", "render=never")
    assert refused.returncode == 1, refused.log[-3000:]
    errors = [line for line in refused.log.splitlines() if " ERROR: " in line or line.startswith("ERROR")]
    assert len(errors) == 1 and f"state store {cron.state} is unusable" in errors[0], errors
    assert "scrapy state reset" in errors[0] and "Traceback" not in refused.log
    assert "downloader/request_count" not in refused.stats            # nothing fetched…
    assert cron.files() == files and not cron.parts()                 # …nothing written
    assert cron.state.stat().st_size == size                          # the store is left as it was


def test_state_reset_moves_a_corrupt_store_aside_and_starts_afresh(stored) -> None:  # noqa: ANN001
    replica, cron = stored
    damage(cron.state, "corrupt")
    bad = cron.state.read_bytes()
    done = cron.state_cmd("reset")
    assert done.returncode == 0, done.stderr
    assert "moved it aside to" in done.stdout and "reset: 0 article(s) forgotten" in done.stdout
    [aside] = cron.state.parent.glob("world.sqlite.bad-*")
    assert aside.read_bytes() == bad
    assert json.loads(cron.state_cmd("show", "--json").stdout)["articles"] == 0
    again = cron.run("-a", "render=never")
    assert again.returncode == 0 and len(again.items) == 6, again.log[-3000:]


def test_reset_argument_moves_an_empty_store_aside(stored) -> None:  # noqa: ANN001
    replica, cron = stored
    damage(cron.state, "empty")
    run = cron.run("-a", "render=never", "-a", "reset=1")
    assert run.returncode == 0, run.log[-3000:]
    assert len(run.items) == 6 and run.stats["tempo/state/reset"] == 1
    assert Path(run.stats["tempo/state/moved_aside"]).name.startswith("world.sqlite.bad-")
    assert cron.run("-a", "render=never").items == []    # the new store works
