"""The JSON Schema of the item and the pipeline that enforces it."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from tempo_crawler.items import ARTICLE_FIELDS, Article, Link, RelatedArticle, article_from_dict, article_to_dict
from tempo_crawler.pipelines.schema import SchemaValidationPipeline, article_schema, schema_errors
from tests.support.golden import Golden, goldens
from tests.support.samples import expected_item
from tests.support.stats import Stats

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "tempo_crawler" / "schema" / "article.schema.json"


def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text("utf-8"))


def valid() -> Article:
    a = expected_item("sample-000")
    a.id = a.id or "1879931"
    a.url = a.url or "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan-keamanan-dan-pelatihan-baru-untuk-ukraina"
    a.layout = a.layout or "A2"
    a.published_at = a.published_at or "2024-06-14T09:12:00+07:00"
    a.crawled_at = "2024-06-21T05:00:00+00:00"
    return a


def test_schema_is_valid_draft_2020_12() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(s)
    assert article_schema() == s  # the pipeline loads the same file (as package data)


def test_item_fields_equal_schema_properties_in_order() -> None:
    s = schema()
    assert tuple(s["properties"]) == ARTICLE_FIELDS
    assert tuple(s["required"]) == ARTICLE_FIELDS
    assert s["additionalProperties"] is False


@pytest.mark.parametrize(("cls", "name"), [(Link, "Link"), (RelatedArticle, "RelatedArticle")])
def test_nested_fields_equal_schema_definitions(cls: type, name: str) -> None:
    d = schema()["$defs"][name]
    names = tuple(f.name for f in fields(cls))
    assert tuple(d["properties"]) == names
    assert tuple(d["required"]) == names
    assert d["additionalProperties"] is False


def test_every_property_is_documented() -> None:
    s = schema()
    for name, prop in [*s["properties"].items(), *s["$defs"]["Link"]["properties"].items(),
                       *s["$defs"]["RelatedArticle"]["properties"].items()]:
        assert prop.get("description"), name


def test_expected_item_is_valid() -> None:
    assert schema_errors(valid()) == []


@pytest.mark.parametrize("golden", goldens(), ids=lambda g: g.name)
def test_golden_items_are_valid_once_crawled(golden: Golden) -> None:
    """Golden items leave crawled_at null (the normalise step fills it in a crawl)."""
    a = article_from_dict(golden.expected)
    a.crawled_at = a.crawled_at or "2024-06-21T05:00:00+00:00"
    assert schema_errors(a) == []


@pytest.mark.parametrize(("change", "where"), [
    ({"id": "abc"}, "id"),
    ({"id": None}, "id"),
    ({"url": "ftp://dunia.tempo.co/read/1879931/x"}, "url"),
    ({"url": "dunia.tempo.co/read/1879931/x"}, "url"),
    ({"url": "https://dunia.tempo.co/read/1879931/x?utm_source=y"}, "url"),
    ({"layout": "C"}, "layout"),
    ({"title": ""}, "title"),
    ({"published_at": "2024-02-30T08:00:00+07:00"}, "published_at"),
    ({"published_at": "Jumat, 14 Juni 2024 08:00 WIB"}, "published_at"),
    ({"published_at": "2024-06-14T08:00:00"}, "published_at"),
    ({"modified_at": "kemarin"}, "modified_at"),
    ({"body": []}, "body"),
    ({"body": ["ok", None]}, "body/1"),
    ({"reporters": "Ayu"}, "reporters"),
    ({"image_url": "statik.tempo.co/x.jpg"}, "image_url"),
    ({"is_free": "true"}, "is_free"),
    ({"version": 0}, "version"),
    ({"editors_pick": {"title": "x"}}, "editors_pick"),
    ({"related": [{"title": "x", "url": None, "relative_time": None, "published_at": "soon",
                   "image_caption": None, "summary": None}]}, "related/0/published_at"),
])
def test_invalid_values_are_reported(change: dict, where: str) -> None:
    data = article_to_dict(valid())
    data.update(change)
    errors = schema_errors(data)
    assert errors and any(e.startswith(f"{where}:") for e in errors), errors


def test_missing_and_unknown_properties_are_reported() -> None:
    data = article_to_dict(valid())
    del data["lead"]
    data["email"] = "x"
    errors = schema_errors(data)
    assert any("'lead' is a required property" in e for e in errors)
    assert any("'email' was unexpected" in e for e in errors)


def test_pipeline_is_on_unless_the_setting_is_false() -> None:
    """Issue 11: schema-invalid items were exported because validation was off by default."""
    with pytest.raises(NotConfigured):
        SchemaValidationPipeline.from_crawler(get_crawler(settings_dict={"TEMPO_VALIDATE_SCHEMA": "false"}))
    assert isinstance(SchemaValidationPipeline.from_crawler(get_crawler()), SchemaValidationPipeline)
    crawler = get_crawler(settings_dict={"TEMPO_VALIDATE_SCHEMA": True})
    assert isinstance(SchemaValidationPipeline.from_crawler(crawler), SchemaValidationPipeline)
    assert get_project_settings().getbool("TEMPO_VALIDATE_SCHEMA") is True


def test_pipeline_passes_valid_and_drops_invalid_items() -> None:
    stats = Stats()
    pipe = SchemaValidationPipeline(stats)
    good = valid()
    assert pipe.process_item(good) is good
    assert pipe.process_item(article_to_dict(good)) == article_to_dict(good)
    bad = valid()
    bad.published_at = "14 Juni 2024"
    with pytest.raises(DropItem) as exc:
        pipe.process_item(bad)
    assert "published_at: '14 Juni 2024'" in str(exc.value) and bad.url in str(exc.value)
    assert stats.values == {"tempo/dropped/schema_invalid": 1, "tempo/schema/valid": 2}


def test_validation_off_does_not_import_jsonschema() -> None:
    """Scrapy imports every configured pipeline class; with validation off the run must not pay for
    jsonschema and its format checkers (seconds at every start, issue 14)."""
    import subprocess
    import sys

    from tests.support.crawl import ROOT

    code = ("import sys; from scrapy.utils.test import get_crawler; "
            "from scrapy.exceptions import NotConfigured; "
            "from tempo_crawler.pipelines.schema import SchemaValidationPipeline as P\n"
            "try:\n    P.from_crawler(get_crawler(settings_dict={'TEMPO_VALIDATE_SCHEMA': False}))\n"
            "except NotConfigured:\n    pass\nprint('jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr[-2000:]
