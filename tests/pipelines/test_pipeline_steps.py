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
