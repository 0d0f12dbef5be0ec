"""The pipeline classes as Scrapy calls them (``from_crawler``, ``process_item``), without a crawl: what they
count, what they drop and why, and the cross-run dedupe against a real seen-store (new, unchanged, revised,
duplicate content; versions and dates). The crawl tests cover the same path end to end in a subprocess."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from tempo_crawler.context import _ATTR, RunContext
from tempo_crawler.identity import item_key
from tempo_crawler.items import Article, article_to_dict
from tempo_crawler.pipelines.base import ArticlePipeline
from tempo_crawler.pipelines.clean import CleanPipeline
from tempo_crawler.pipelines.dedupe import StoreDedupePipeline
from tempo_crawler.pipelines.normalise import NormalisePipeline
from tempo_crawler.state.notes import FetchNotes
from tempo_crawler.state.store import SeenStore, parse_time
from tests.support.stats import Stats

URL = "https://www.tempo.co/internasional/presiden-fiktif-bertemu-delegasi-1234567"


def article(**over: Any) -> Article:
    base = Article(id="1234567", url=URL, layout="B", title="Presiden Fiktif Bertemu Delegasi",
                   published_at="2025-06-01T10:00:00+07:00", body=["Paragraf satu.", "Paragraf dua."],
                   crawled_at="2026-11-22T00:00:00+00:00")
    return replace(base, **over)


def crawler(stats: Stats, context: RunContext | None = None) -> Any:
    c = SimpleNamespace(stats=stats)
    if context is not None:
        setattr(c, _ATTR, context)
    return c


def test_base_pipeline_passes_other_items_and_counts_drops_per_reason() -> None:
    stats = Stats()
    pipe = ArticlePipeline.from_crawler(crawler(stats))
    assert pipe.stats is stats and pipe.process_item({"x": 1}) == {"x": 1}
    with pytest.raises(NotImplementedError):
        pipe.process_item(article())
    with pytest.raises(DropItem, match="two reasons") as info:
        pipe.drop(["a", "b"], "two reasons", log_level="INFO")
    assert info.value.log_level == "INFO"
    assert stats.values == {"tempo/dropped/a": 1, "tempo/dropped/b": 1}
    ArticlePipeline(None).inc("nothing")   # no stats collector: counting is a no-op


def test_clean_pipeline_counts_the_body_lines_it_drops() -> None:
    stats = Stats()
    pipe = CleanPipeline.from_crawler(crawler(stats))
    out = pipe.process_item(article(body=["Iklan", "Paragraf satu.", "Bagikan", "Paragraf dua."]))
    assert out.body == ["Paragraf satu.", "Paragraf dua."]
    assert stats.values == {"tempo/clean/body_lines_dropped": 2}
    pipe.process_item(article())
    assert stats.values == {"tempo/clean/body_lines_dropped": 2}   # nothing dropped, nothing counted


def test_normalise_pipeline_normalises() -> None:
    out = NormalisePipeline.from_crawler(crawler(Stats())).process_item(
        article(title="  Presiden\u00a0Fiktif ", published_at="Jumat, 14 Juni 2024 08:00 WIB"))
    assert out.title == "Presiden Fiktif" and out.published_at == "2024-06-14T08:00:00+07:00"


def context(store: SeenStore | None, notes: FetchNotes | None) -> RunContext:
    return RunContext(spider="world", stamp="20261122T000000Z", now=datetime(2026, 11, 22, tzinfo=timezone.utc),
                      store=store, notes=notes)


@pytest.fixture
def store(tmp_path: Path) -> SeenStore:
    s = SeenStore(tmp_path / "state" / "world.sqlite")
    yield s
    s.close()


def test_store_dedupe_without_a_store_passes_everything(store: SeenStore) -> None:
    for ctx in (context(None, FetchNotes()), context(store, None)):
        stats = Stats()
        item = article()
        assert StoreDedupePipeline.from_crawler(crawler(stats, ctx)).process_item(item) is item
        assert stats.values == {}


def test_store_dedupe_new_unchanged_revised_duplicate(store: SeenStore) -> None:
    stats, notes = Stats(), FetchNotes()
    pipe = StoreDedupePipeline.from_crawler(crawler(stats, context(store, notes)))
    before = datetime.now(timezone.utc).replace(microsecond=0)

    new = pipe.process_item(article())
    assert (new.version, new.revised_at) == (1, None)
    assert before <= parse_time(new.first_seen) <= datetime.now(timezone.utc)
    assert stats.values == {"tempo/export/new": 1}
    day1 = "2026-11-01T00:00:00+00:00"
    store.record({**article_to_dict(new), "first_seen": day1}, now=day1)
    store.commit()

    # fetched again under another URL form, listed with a lastmod: dropped, the store learns both
    notes.note_fetch({item_key(URL, "1234567")}, {"a:1879931"}, "2026-11-20T00:00:00+00:00")
    with pytest.raises(DropItem, match="unchanged since version 1 \\(first seen 2026-11-01"):
        pipe.process_item(article())
    assert stats.values["tempo/dropped/unchanged"] == 1 and "tempo/dropped/duplicate_content" not in stats.values
    rec = store.find(["a:1879931"])
    assert rec is not None and rec.listing_lastmod == "2026-11-20T00:00:00+00:00" and rec.last_seen != day1
    assert notes.gather(article(), pop=False).keys == {item_key(URL, "1234567")}   # the notes were used up

    revised = pipe.process_item(article(body=["Paragraf satu.", "Paragraf dua, dikoreksi."]))
    assert (revised.version, revised.first_seen) == (2, day1)
    assert before <= parse_time(revised.revised_at) <= datetime.now(timezone.utc)
    assert stats.values["tempo/export/revised"] == 1 and stats.values["tempo/export/new"] == 1

    twin = article(id="1879932", url="https://dunia.tempo.co/read/1879932/presiden-fiktif")
    with pytest.raises(DropItem, match=f"same title and body as {URL} \\(stored\\)"):
        pipe.process_item(twin)
    assert stats.values["tempo/dropped/duplicate_content"] == 1 and stats.values["tempo/dropped/unchanged"] == 1
    assert store.find([item_key(twin.url, twin.id)]).canonical_key == item_key(URL, "1234567")


def test_clean_strips_chrome_from_every_text_field() -> None:
    from tempo_crawler.items import Link, RelatedArticle
    from tempo_crawler.pipelines.clean import clean_article

    chrome = "Iklan"
    a = clean_article(article(
        title="Judul", lead=chrome, section=chrome, dateline=chrome, image_caption=chrome, agency=chrome,
        reporters=[chrome, "Ayu"], editors=["Bima", chrome], tags=[chrome, "gaza"], body=[chrome, "Isi.", " "],
        editors_pick=Link(chrome, "https://x/1"), read_also=[Link(chrome, "https://x/2"), Link("Lain", "https://x/3")],
        related=[RelatedArticle(title=chrome), RelatedArticle(title="Judul R", url="https://x/4", relative_time=chrome,
                                                              image_caption=chrome, summary=chrome)]))
    assert (a.title, a.lead, a.section, a.dateline, a.image_caption, a.agency) == ("Judul", *[None] * 5)
    assert (a.reporters, a.editors, a.tags, a.body) == (["Ayu"], ["Bima"], ["gaza"], ["Isi."])
    assert a.editors_pick is None and a.read_also == [Link("Lain", "https://x/3")]
    assert a.related == [RelatedArticle(title="Judul R", url="https://x/4")]


def test_validate_names_every_problem_in_order() -> None:
    from tempo_crawler.pipelines.validate import ValidatePipeline, problems

    assert problems(Article()) == ["no_title", "no_body", "no_date", "no_id"]
    assert problems(article()) == []
    stats = Stats()
    with pytest.raises(DropItem, match=f"invalid article {URL}: no_date, no_id"):
        ValidatePipeline(stats).process_item(article(published_at=None, id=None))
    assert stats.values == {"tempo/dropped/no_date": 1, "tempo/dropped/no_id": 1}


def test_schema_errors_sorted_by_path_item_level_named_and_long_messages_cut() -> None:
    import scrapy

    from tempo_crawler.pipelines.schema import _MAX_MESSAGE, SchemaValidationPipeline, as_plain, schema_errors

    errors = schema_errors({"title": 5, "body": "x" * 400, "zzz": 1})
    paths = [e.split(":", 1)[0] for e in errors]
    assert paths == sorted(paths) and "(item)" in paths and "body" in paths and "title" in paths
    long = next(e for e in errors if e.startswith("body:"))
    assert long.endswith("…") and len(long) == len("body: ") + _MAX_MESSAGE + 1
    short = next(e for e in errors if e.startswith("title:"))
    assert not short.endswith("…")

    class Other(scrapy.Item):
        url = scrapy.Field()

    assert as_plain(Other(url="u")) == {"url": "u"}
    with pytest.raises(DropItem, match=r"schema-invalid article u: .*; "):
        SchemaValidationPipeline(None).process_item(Other(url="u"))
    assert SchemaValidationPipeline(None).process_item("not an item") == "not an item"


# ---------------------------------------------------------------- edges found by mutation testing (make mutants)


def test_bounds_drop_only_past_the_paragraph_limit_and_count_every_cut() -> None:
    from tempo_crawler import limits
    from tempo_crawler.items import Link
    from tempo_crawler.pipelines.bounds import BoundsPipeline

    stats = Stats()
    pipe = BoundsPipeline.from_crawler(crawler(stats))
    assert len(pipe.process_item(article(body=["Isi."] * limits.MAX_PARAGRAPHS)).body) == limits.MAX_PARAGRAPHS
    with pytest.raises(DropItem, match=f"{limits.MAX_PARAGRAPHS + 1} paragraphs .*: {URL}$"):
        pipe.process_item(article(body=["Isi."] * (limits.MAX_PARAGRAPHS + 1)))
    long = "x" * (limits.MAX_TEXT + 1)
    out = pipe.process_item(article(read_also=[Link(long, "https://x/1"), Link(long, "https://x/2"),
                                               Link("Baca", "https://x/3")]))
    assert out.read_also == [Link("Baca", "https://x/3")]
    assert stats.values == {"tempo/dropped/too_long": 1, "tempo/limits/read_also.title": 2}


def test_normalise_judges_dates_by_the_fetch_time_of_the_item() -> None:
    stats = Stats()
    pipe = NormalisePipeline.from_crawler(crawler(stats))
    # fetched in 2020: a modification date of 2024 is more than a day after the fetch, whatever today is
    out = pipe.process_item(article(crawled_at="2020-01-01T00:00:00+00:00", published_at="2019-12-31T08:00:00+07:00",
                                    modified_at="2024-06-01T08:00:00+07:00"))
    assert out.modified_at is None and out.published_at == "2019-12-31T08:00:00+07:00"
    assert stats.values == {"tempo/dates/implausible_cleared": 1}


def test_in_run_dedupe_keys_by_url_else_id_and_logs_repeats_at_info() -> None:
    from tempo_crawler.pipelines.dedupe import DedupePipeline

    pipe = DedupePipeline.from_crawler(crawler(Stats()))
    no_key_url = "https://www.tempo.co/tag/gaza"           # a URL without an article key: the id decides
    assert pipe.process_item(article(url=no_key_url, id="11")).id == "11"
    assert pipe.process_item(article(url=no_key_url, id="12")).id == "12"
    pipe.process_item(article())
    with pytest.raises(DropItem, match=f"^duplicate article {item_key(URL, None)} \\({URL}\\)$") as info:
        pipe.process_item(article(id="999"))
    assert info.value.log_level == "INFO"                   # normal (desktop and AMP page), not a warning


def test_store_dedupe_by_another_url_form_keeps_notes_of_new_items_and_resets_versions(store: SeenStore) -> None:
    stats, notes = Stats(), FetchNotes()
    pipe = StoreDedupePipeline.from_crawler(crawler(stats, context(store, notes)))
    other_form = "a:1879931"
    stored = {**article_to_dict(article(url="https://dunia.tempo.co/read/1879931/presiden-fiktif", id="1879931")),
              "version": 1, "first_seen": "2026-11-01T00:00:00+00:00"}
    store.record(stored, now="2026-11-01T00:00:00+00:00")
    store.commit()
    # the same story fetched under its new-site URL: only the listing's note ties it to the stored form
    notes.note_fetch({item_key(URL, "1234567")}, {other_form}, None)
    with pytest.raises(DropItem, match="unchanged since version 1") as info:
        pipe.process_item(article())
    assert info.value.log_level == "DEBUG"
    # a new article keeps its notes (the store records them once it is exported) and starts at version 1
    fresh = article(id="7654321", url=URL.replace("1234567", "7654321"), title="Lain", body=["Lain."])
    notes.note_fetch({item_key(fresh.url, fresh.id)}, {"a:7654321"}, None)
    out = pipe.process_item(replace(fresh, version=7, revised_at="2026-01-01T00:00:00+00:00"))
    assert (out.version, out.revised_at) == (1, None)
    assert notes.gather(fresh, pop=False).keys == {item_key(fresh.url, fresh.id), "a:7654321"}
    twin = article(id="1879932", url="https://dunia.tempo.co/read/1879932/presiden-fiktif")
    with pytest.raises(DropItem, match="same title and body") as info:
        pipe.process_item(twin)
    assert info.value.log_level == "INFO"


def _fake_errors(*errors: tuple[list[Any], str]) -> Any:
    """A jsonschema validator double that reports ``errors`` (path, message) in this order."""
    return SimpleNamespace(iter_errors=lambda plain: iter(
        SimpleNamespace(absolute_path=path, message=message) for path, message in errors))


def test_schema_valid_items_never_reach_the_explaining_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    from tempo_crawler.pipelines import schema

    monkeypatch.setattr(schema, "validator", lambda: pytest.fail("jsonschema asked about a valid item"))
    assert schema.schema_errors(article_to_dict(article(version=1, first_seen=None))) == []


def test_schema_errors_keep_the_order_within_a_path_and_sort_paths_by_part(monkeypatch: pytest.MonkeyPatch) -> None:
    from tempo_crawler.pipelines import schema

    exactly = "m" * schema._MAX_MESSAGE
    monkeypatch.setattr(schema, "validator", lambda: _fake_errors(
        (["a-c"], "second path"), (["a", "b"], "b first"), (["a", "b"], "a then"), ([], exactly)))
    assert schema.schema_errors({"title": 5}) == [
        f"(item): {exactly}",                     # a message of exactly the limit is not cut
        "a/b: b first", "a/b: a then",            # one path: in the validator's order
        "a-c: second path",                       # paths compared part by part ("a" before "a-c")
    ]


def test_schema_errors_when_the_two_validators_disagree(monkeypatch: pytest.MonkeyPatch) -> None:
    from tempo_crawler.pipelines import schema

    monkeypatch.setattr(schema, "validator", lambda: _fake_errors())   # jsonschema finds nothing wrong
    plain = article_to_dict(article(version=1))
    plain["related"] = [{"title": 5}]
    errors = schema.schema_errors(plain)
    assert errors and all(e.startswith("related/0") for e in errors), errors   # jsonschema-rs says where


def test_schema_pipeline_counts_into_the_crawl_stats_and_joins_every_error() -> None:
    from tempo_crawler.pipelines.schema import SchemaValidationPipeline, schema_errors

    stats = Stats()
    c = SimpleNamespace(stats=stats, settings=SimpleNamespace(getbool=lambda name, default: default))
    pipe = SchemaValidationPipeline.from_crawler(c)
    pipe.process_item(article(version=1))
    bad = {**article_to_dict(article(version=1)), "title": 5, "body": "x"}
    with pytest.raises(DropItem) as info:
        pipe.process_item(bad)
    assert str(info.value) == f"schema-invalid article {URL}: " + "; ".join(schema_errors(bad))
    assert len(schema_errors(bad)) == 2
    assert stats.values == {"tempo/schema/valid": 1, "tempo/dropped/schema_invalid": 1}
