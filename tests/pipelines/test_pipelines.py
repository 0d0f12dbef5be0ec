"""clean → normalise → validate → dedupe on hand-made articles."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.pipelines.dedupe import DedupePipeline
from tempo_crawler.pipelines.normalise import NormalisePipeline
from tempo_crawler.pipelines.validate import ValidatePipeline
from tests.support.leaks import finalize
from tests.support.stats import Stats


def dirty() -> Article:
    return Article(
        url="https://dunia.tempo.co/read/1879931/nato?utm_source=x", title="  NATO\u00a0Setujui  ",
        reporters=["Budi", "budi ", ""], editors=["Yudono Yanuar"],
        published_at="Jumat, 14 Juni 2024 08:00 WIB",
        body=["Iklan", "Paragraf  satu.", "Scroll Untuk Melanjutkan",
              "Kami telah mengirimkan link aktivasi melalui email ke pembaca@contoh.example.", "Kirim ke a@b.co ya"],
        image_caption="image-gnews", editors_pick=Link("  Jens  ", "u"), read_also=[Link("Iklan", None)],
        related=[RelatedArticle(title="Video Pilihan"), RelatedArticle(title="Judul", relative_time="2 jam lalu")],
        crawled_at="2024-06-14T03:00:00+00:00",
    )


def test_finalize_cleans_and_normalises() -> None:
    a = finalize(dirty())
    assert a.id == "1879931" and a.url == "https://dunia.tempo.co/read/1879931/nato"
    assert a.title == "NATO Setujui" and a.reporters == ["Budi"]
    assert a.published_at == "2024-06-14T08:00:00+07:00"
    assert a.body == ["Paragraf satu.", "Kirim ke ya"]
    assert a.image_caption is None and a.read_also == [] and a.editors_pick == Link("Jens", "u")
    assert [r.title for r in a.related] == ["Judul"]


def test_validate_drops_with_reason_and_counts() -> None:
    stats = Stats()
    pipe = ValidatePipeline(stats)
    with pytest.raises(DropItem, match="no_body"):
        pipe.process_item(finalize(Article(url="https://www.tempo.co/internasional/x-1001", title="T",
                                           published_at="2025-01-01 10:00:00")))
    assert stats.values == {"tempo/dropped/no_body": 1}
    good = finalize(Article(url="https://www.tempo.co/internasional/x-1002", title="T", body=["b"],
                            published_at="2025-01-01 10:00:00"))
    assert pipe.process_item(good) is good


@pytest.mark.parametrize("published", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59+07:00",
                                       "1989-12-31 23:00:00", "2024-06-16T08:00:00+07:00"])
def test_dates_outside_a_sane_range_are_not_article_dates(published: str) -> None:
    """Issue 11: years 0001 and 9999 were accepted. Before 1990 or more than a day after the fetch time
    (2024-06-14 03:00 UTC here): dropped with the reason ``implausible_date``."""
    stats = Stats()
    item = finalize(Article(url="https://www.tempo.co/internasional/x-1003", title="T", body=["b"],
                            published_at=published, crawled_at="2024-06-14T03:00:00+00:00"))
    with pytest.raises(DropItem, match="implausible_date") as dropped:
        ValidatePipeline(stats).process_item(item)
    assert stats.values == {"tempo/dropped/implausible_date": 1}
    assert dropped.value.reasons == ["implausible_date"]


def test_optional_dates_outside_the_range_become_missing() -> None:
    stats = Stats()
    item = Article(url="https://www.tempo.co/internasional/x-1004", title="T", body=["b"],
                   published_at="2024-06-14T08:00:00+07:00", modified_at="9999-01-01T00:00:00+07:00",
                   related=[RelatedArticle(title="R", published_at="0001-01-01T00:00:00+07:00"),
                            RelatedArticle(title="S", published_at="2024-06-13T08:00:00+07:00")],
                   crawled_at="2024-06-14T03:00:00+00:00")
    out = NormalisePipeline(stats).process_item(item)
    assert out.published_at == "2024-06-14T08:00:00+07:00" and out.modified_at is None
    assert [r.published_at for r in out.related] == [None, "2024-06-13T08:00:00+07:00"]
    assert stats.values == {"tempo/dates/implausible_cleared": 2}
    late_but_fine = finalize(Article(url="https://www.tempo.co/internasional/x-1005", title="T", body=["b"],
                                     published_at="2024-06-15T01:00:00+07:00", crawled_at="2024-06-14T03:00:00+00:00"))
    assert ValidatePipeline(Stats()).process_item(late_but_fine) is late_but_fine   # a page clock hours ahead


def test_dedupe_unites_url_forms() -> None:
    stats = Stats()
    pipe = DedupePipeline(stats)
    first = finalize(Article(url="https://dunia.tempo.co/read/1462680/x", title="T", body=["b"]))
    again = finalize(Article(url="https://dunia.tempo.co/read/1462680/x/full&view=ok", title="T", body=["b"]))
    other_era = finalize(Article(url="https://www.tempo.co/internasional/x-1462680", title="T", body=["b"]))
    pipe.process_item(first)
    with pytest.raises(DropItem):
        pipe.process_item(again)
    assert pipe.process_item(other_era) is other_era  # old and new ids are separate spaces
    assert stats.values == {"tempo/dropped/duplicate": 1}


def test_finalize_cleans_the_2026_fields_and_nulls_the_placeholder_caption() -> None:
    """docs/site.md §8: summary bullets and the print title are cleaned like the body; "Image of Tempo" as a
    caption is a placeholder, not a caption."""
    a = finalize(Article(url="https://www.tempo.co/internasional/momen-928213", title="Momen",
                         summary=["  Poin\u00a0satu. ", "Iklan", "Tulis ke a@b.co"], print_title="  Judul  Cetak ",
                         image_caption="Image of Tempo", body=["Isi."], published_at="2013-06-23T00:00:00+07:00"))
    assert a.summary == ["Poin satu.", "Tulis ke"]
    assert a.print_title == "Judul Cetak" and a.image_caption is None
