"""Every golden page parses to its hand-written expected item, field by field."""

from __future__ import annotations

import os
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import UNDER_MUTMUT
from tests.support.golden import COMPARED_FIELDS, goldens, parse_golden, token_prf

GOLDENS = goldens()


def test_golden_set_is_big_enough() -> None:
    layouts = [g.expected["layout"] for g in GOLDENS]
    pages = {g.file for g in GOLDENS} | {p for g in GOLDENS for p in g.extra_pages.values()}
    assert len(pages) >= 30 and all(p.is_file() for p in pages)
    assert sum(g.case.startswith("sample-") for g in GOLDENS) == 2
    assert layouts.count("A2") >= 12 and layouts.count("A1") >= 3
    assert layouts.count("AMP") >= 2 and layouts.count("B") >= 8
    assert any(g.expected["is_free"] is False and g.expected["truncated"] for g in GOLDENS)


_PARSED: dict[tuple[str, str | None], Any] = {}


class Parsed:
    """The golden pages parsed, each once per run. Under mutation testing (``make mutants``) each page is parsed
    once per mutant (mutmut runs each mutant in a process of its own, its name in MUTANT_UNDER_TEST), and in
    mutmut's bookkeeping phase once per test, so that mutmut maps every test to the parser code it runs: a page
    parsed once for the module would tie the parsers to one test of one field."""

    def __getitem__(self, name: str) -> Any:
        mutant = os.environ.get("MUTANT_UNDER_TEST")
        key = (name, mutant)
        if (UNDER_MUTMUT and not mutant) or key not in _PARSED:
            _PARSED[key] = parse_golden(next(g for g in GOLDENS if g.name == name))
        return _PARSED[key]


@pytest.fixture
def parsed() -> Parsed:
    return Parsed()


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
@pytest.mark.parametrize("field", COMPARED_FIELDS)
def test_field(golden, field, parsed) -> None:  # noqa: ANN001
    article = parsed[golden.name]
    assert article is not None, f"{golden.file.name}: no layout matched"
    assert asdict(article)[field] == golden.expected[field]


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
def test_body_f1(golden, parsed) -> None:  # noqa: ANN001
    article = parsed[golden.name]
    assert article is not None
    assert token_prf(golden.expected["body"], article.body)[2] >= 0.99


SITE_NOTES = Path(__file__).resolve().parents[2] / "docs" / "site.md"
SECTIONS = set(re.findall(r"^## (\d+)\. ", SITE_NOTES.read_text("utf-8"), flags=re.MULTILINE))


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
def test_page_says_it_is_a_reconstruction(golden) -> None:  # noqa: ANN001
    """The first line is a comment that says RECONSTRUCTION and cites sections of the project's site notes."""
    first = golden.file.read_text("utf-8").split("\n", 1)[0]
    assert first.startswith("<!--") and "RECONSTRUCTION" in first
    cited = re.findall(r"docs/site\.md (§\d+(?:\s*(?:,|and|/|-)\s*§?\d+)*)", first)
    numbers = {n for group in cited for n in re.findall(r"\d+", group)}
    assert numbers and numbers <= SECTIONS, f"cites {sorted(numbers)}; docs/site.md has {sorted(SECTIONS)}"
