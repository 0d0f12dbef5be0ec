"""docs/exports.md stays true: its field table follows the item, its example is a real text form."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tempo_crawler.exporters.text_form import to_text
from tempo_crawler.items import ARTICLE_FIELDS, article_from_dict
from tempo_crawler.pipelines.schema import schema_errors
from tests.support.samples import EMAIL

DOC = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
README = Path(__file__).resolve().parents[2] / "README.md"


def doc() -> str:
    return DOC.read_text("utf-8")


def test_field_table_lists_every_field_in_order() -> None:
    section = doc().split("### Fields", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(names) == ARTICLE_FIELDS


def test_readme_item_table_lists_every_field_in_order() -> None:
    section = README.read_text("utf-8").split("## The item", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(names) == ARTICLE_FIELDS


@pytest.mark.parametrize("path", [DOC, README], ids=["docs", "readme"])
def test_side_by_side_example_is_consistent(path: Path) -> None:
    blocks = re.findall(r'<pre lang="(json|text)">(.*?)</pre>', path.read_text("utf-8"), flags=re.DOTALL)
    assert [lang for lang, _ in blocks] == ["json", "text"]
    data = json.loads(html.unescape(blocks[0][1]))
    text = html.unescape(blocks[1][1])
    assert tuple(data) == ARTICLE_FIELDS
    assert to_text(article_from_dict(data)) == text
    assert schema_errors(data) == []


@pytest.mark.parametrize("path", [DOC, README], ids=["docs", "readme"])
def test_doc_has_no_email_address(path: Path) -> None:
    assert EMAIL.findall(path.read_text("utf-8")) == []
