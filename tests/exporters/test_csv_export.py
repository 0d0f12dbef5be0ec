"""The CSV feed exporter, driven directly with a BytesIO."""

from __future__ import annotations

import csv
import io
import json

from tempo_crawler.exporters.csv_export import TempoCsvItemExporter
from tempo_crawler.items import ARTICLE_FIELDS, Article, Link, RelatedArticle, article_to_dict
from tests.support.samples import expected_item


def export(items: list, **kwargs) -> bytes:  # noqa: ANN003
    buf = io.BytesIO()
    exporter = TempoCsvItemExporter(buf, **kwargs)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return buf.getvalue()


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_header_is_article_fields_in_order() -> None:
    data = export([Article(id="1", title="t")])
    assert next(csv.reader(io.StringIO(data.decode("utf-8")))) == list(ARTICLE_FIELDS)


def test_feed_fields_still_win() -> None:
    data = export([Article(id="1", title="t")], fields_to_export=["title", "id"])
    assert data.decode("utf-8").splitlines() == ["title,id", "t,1"]


def test_sample_item_cells() -> None:
    item = expected_item("sample-002")
    row = rows(export([item]))[0]
    assert row["title"] == "NATO Tak Akan Kirim Pasukan jika Rusia Serang Ukraina"
    assert row["editors"] == "Yudono Yanuar"
    assert row["reporters"] == ""
    assert row["body"].split("\n\n") == item.body
    assert row["lead"] == ""                        # null → empty cell
    assert row["editors_pick"] == ""
    assert row["read_also"] == "[]"
    assert json.loads(row["related"]) == article_to_dict(item)["related"]
    assert "\\u" not in row["related"]              # UTF-8, not ASCII-escaped
    assert row["is_free"] == "true" and row["truncated"] == "false"
    assert row["version"] == "1"


def test_lists_nested_and_awkward_text() -> None:
    item = Article(
        id="1879931", title='Kata "kutipan", koma; dan “kutip”', reporters=["Ayu Contoh", "Budi Contoh"],
        tags=["NATO", "Ukraina"], body=["Satu, dua.", "Baris \"dua\"."], editors_pick=Link("Pilihan", "https://x.tempo.co/a"),
        read_also=[Link("Baca", None)], related=[RelatedArticle("R", relative_time="2 jam lalu")],
        is_free=False, truncated=True,
    )
    row = rows(export([item, Article(id="2")]))[0]
    assert row["title"] == 'Kata "kutipan", koma; dan “kutip”'
    assert row["reporters"] == "Ayu Contoh | Budi Contoh"
    assert row["tags"] == "NATO | Ukraina"
    assert row["body"] == 'Satu, dua.\n\nBaris "dua".'
    assert json.loads(row["editors_pick"]) == {"title": "Pilihan", "url": "https://x.tempo.co/a"}
    assert json.loads(row["read_also"]) == [{"title": "Baca", "url": None}]
    assert json.loads(row["related"])[0]["relative_time"] == "2 jam lalu"
    assert (row["is_free"], row["truncated"]) == ("false", "true")


def test_plain_dict_items_work_too() -> None:
    data = article_to_dict(Article(id="7", title="t", tags=["a", "b"], editors_pick=Link("p")))
    row = rows(export([data]))[0]
    assert row["tags"] == "a | b"
    assert json.loads(row["editors_pick"]) == {"title": "p", "url": None}


def test_summary_bullets_and_print_title_cells() -> None:
    """The 2025-2026 fields (docs/site.md §8): bullets joined like body paragraphs, the print title as is."""
    item = Article(id="391369", title="t", summary=["Poin satu | dengan garis.", "Poin dua."],
                   print_title="Menyambut Paus dengan Tangan Terbukanya", body=["Isi."])
    row = rows(export([item]))[0]
    assert row["summary"].split("\n\n") == item.summary
    assert row["print_title"] == "Menyambut Paus dengan Tangan Terbukanya"
    assert rows(export([Article(id="1", title="t")]))[0]["summary"] == ""
