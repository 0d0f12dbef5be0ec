"""The golden fixtures are complete: every registered layout has cases, every case has its three files,
and every expected item has exactly the item's fields (tests/support/golden.py describes the layout)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tempo_crawler.items import ARTICLE_FIELDS
from tempo_crawler.layouts import PARSERS
from tests.support.golden import COMPARED_FIELDS, EXPECTED, FIXTURES, META, PAGE, case_dirs

META_KEYS = {"url", "fetched_at", "source"}


def problems(root: Path, codes: list[str]) -> list[str]:
    """Everything wrong with the fixture tree under ``root`` for the layouts ``codes`` (lower case)."""
    found: list[str] = []
    folders = sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith(("_", ".")))
    found += [f"{name}/: not a registered layout" for name in folders if name not in codes]
    cases = case_dirs(root)
    for code in codes:
        if not any(c.parent.name == code for c in cases):
            found.append(f"{code}/: registered layout without a fixture case")
    for case in cases:
        name = f"{case.parent.name}/{case.name}"
        missing = [f for f in (PAGE, EXPECTED, META) if not (case / f).is_file()]
        found += [f"{name}: no {f}" for f in missing]
        if EXPECTED not in missing:
            expected = json.loads((case / EXPECTED).read_text("utf-8"))
            found += [f"{name}: {k!r} is not an item field" for k in expected if k not in ARTICLE_FIELDS]
            found += [f"{name}: compared field {k!r} missing" for k in COMPARED_FIELDS if k not in expected]
            if str(expected.get("layout", "")).lower() != case.parent.name:
                found.append(f"{name}: layout {expected.get('layout')!r} in the {case.parent.name}/ folder")
        if META not in missing:
            meta = json.loads((case / META).read_text("utf-8"))
            found += [f"{name}: meta.json has no {k!r}" for k in sorted(META_KEYS - set(meta))]
            found += [f"{name}: meta.json key {k!r} unknown" for k in sorted(set(meta) - META_KEYS - {"extra_pages"})]
            found += [f"{name}: extra page {f} missing" for f in meta.get("extra_pages", {}).values()
                      if not (case / f).is_file()]
    return found


CODES = [p.name.lower() for p in PARSERS]


def test_every_layout_has_complete_cases() -> None:
    assert problems(FIXTURES, CODES) == []


def test_the_check_reports_each_kind_of_problem(tmp_path: Path) -> None:
    for case in ("a2/sample-000", "b/1190350", "a2/1462680"):
        shutil.copytree(FIXTURES / case, tmp_path / case)
    assert problems(tmp_path, ["a2", "b"]) == []
    (tmp_path / "a2" / "sample-000" / META).unlink()
    (tmp_path / "b" / "1190350" / PAGE).unlink()
    expected_file = tmp_path / "a2" / "1462680" / EXPECTED
    expected = json.loads(expected_file.read_text("utf-8"))
    del expected["body"]
    expected["_url"] = "https://dunia.tempo.co/read/1462680/x"
    expected_file.write_text(json.dumps(expected), "utf-8")
    (tmp_path / "a2" / "1462680" / "page-2.html").unlink()
    (tmp_path / "xx" / "1").mkdir(parents=True)
    (tmp_path / "xx" / "1" / PAGE).write_text("<html></html>", "utf-8")
    assert problems(tmp_path, ["a2", "b", "amp"]) == [
        "xx/: not a registered layout",
        "amp/: registered layout without a fixture case",
        "a2/1462680: '_url' is not an item field",
        "a2/1462680: compared field 'body' missing",
        "a2/1462680: extra page page-2.html missing",
        "a2/sample-000: no meta.json",
        "b/1190350: no page.html",
        "xx/1: no expected.json",
        "xx/1: no meta.json",
    ]
