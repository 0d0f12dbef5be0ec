"""history.jsonl: appending, reading the tail, and which runs count as the usual."""

from __future__ import annotations

import json
from pathlib import Path

from tempo_crawler.monitors import history


def test_append_and_tail(tmp_path: Path) -> None:
    path = tmp_path / "out" / "history.jsonl"
    assert history.tail(path, 5) == []
    for n in range(3):
        history.append(path, {"run_id": f"r{n}", "items": n})
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")            # a damaged line is skipped, not fatal
    history.append(path, {"run_id": "r3"})
    assert [line["run_id"] for line in history.tail(path, 2)] == ["r2", "r3"]
    assert [line["run_id"] for line in history.tail(path, 10)] == ["r0", "r1", "r2", "r3"]
    assert path.read_text("utf-8").count("\n") == 5


def test_tail_reads_only_the_end_of_a_long_history(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps({"run_id": n, "pad": "x" * 200}) + "\n" for n in range(5000)), "utf-8")
    assert [line["run_id"] for line in history.tail(path, 3)] == [4997, 4998, 4999]


def test_baseline_is_recent_healthy_runs_of_the_same_kind() -> None:
    lines = [
        {"run_id": 1, "kind": "full", "status": "ok", "exit_code": 0},
        {"run_id": 2, "kind": "incremental", "status": "ok", "exit_code": 0},
        {"run_id": 3, "kind": "incremental", "status": "data_quality", "exit_code": 5},
        {"run_id": 4, "kind": "incremental", "status": "skipped", "exit_code": 0},
        {"run_id": 5, "kind": "incremental", "status": "ok", "exit_code": 0},
        {"run_id": 6, "kind": "incremental", "status": "ok", "exit_code": 0},
    ]
    assert [r["run_id"] for r in history.baseline(lines, "incremental", 10)] == [2, 5, 6]
    assert [r["run_id"] for r in history.baseline(lines, "incremental", 2)] == [5, 6]
    assert [r["run_id"] for r in history.baseline(lines, "full", 10)] == [1]
    assert history.baseline(lines, "windowed", 10) == []
