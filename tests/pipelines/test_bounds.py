"""Field limits (tempo_crawler/limits.py, pipelines/bounds.py) and the clean pipeline on URL fields
(issue 11 #3, #8)."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from scrapy.exceptions import DropItem

from tempo_crawler import limits
from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.pipelines.bounds import BoundsPipeline, bound_article
from tempo_crawler.pipelines.clean import CleanPipeline
from tests.support.leaks import finalize, leaks_in
from tests.support.stats import Stats

URL = "https://dunia.tempo.co/read/1879931/nato-setujui"


def article(**fields: object) -> Article:
    base = {"url": URL, "title": "NATO Setujui Bantuan", "published_at": "2024-06-14T08:00:00+07:00",
            "body": ["Paragraf satu.", "Paragraf dua."], "crawled_at": "2024-06-14T03:00:00+00:00"}
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


def test_an_article_within_the_limits_is_untouched() -> None:
    a = article(tags=["NATO"] * 3, related=[RelatedArticle(title="Judul", url=URL)])
    assert bound_article(a) == (a, {})


def test_over_long_fields_are_removed_and_counted() -> None:
    stats = Stats()
    a = BoundsPipeline(stats).process_item(article(
        title="x" * (limits.MAX_TITLE + 1), lead="y" * (limits.MAX_TEXT + 1),
        image_url="https://statik.tempo.co/" + "z" * limits.MAX_URL,
        published_at="Jumat, 14 Juni 2024 " + "1" * limits.MAX_DATE_TEXT,
        reporters=["Budi", "n" * (limits.MAX_NAME + 1)],
        body=["Paragraf satu.", "a" * (limits.MAX_PARAGRAPH + 1), "Paragraf dua."],
        editors_pick=Link("t" * (limits.MAX_TEXT + 1), URL),
    ))
    assert a.title is None and a.lead is None and a.image_url is None and a.published_at is None
    assert a.reporters == ["Budi"] and a.body == ["Paragraf satu.", "Paragraf dua."] and a.editors_pick is None
    assert stats.values == {"tempo/limits/title": 1, "tempo/limits/lead": 1, "tempo/limits/image_url": 1,
                            "tempo/limits/published_at": 1, "tempo/limits/reporters": 1,
                            "tempo/limits/body.paragraph": 1, "tempo/limits/editors_pick.title": 1}


def test_long_lists_are_cut_and_counted() -> None:
    stats = Stats()
    many = [f"tag {i}" for i in range(limits.MAX_LIST + 50)]
    a = BoundsPipeline(stats).process_item(article(
        tags=many, read_also=[Link(f"t{i}", URL) for i in range(limits.MAX_LIST + 1)],
        related=[RelatedArticle(title=f"r{i}") for i in range(limits.MAX_LIST + 1)]))
    assert a.tags == many[:limits.MAX_LIST] and len(a.read_also) == len(a.related) == limits.MAX_LIST
    assert stats.values == {"tempo/limits/tags": 1, "tempo/limits/read_also": 1, "tempo/limits/related": 1}


def test_an_article_longer_than_any_real_one_is_dropped_with_a_reason() -> None:
    stats = Stats()
    with pytest.raises(DropItem, match="paragraphs"):
        BoundsPipeline(stats).process_item(article(body=["p."] * (limits.MAX_PARAGRAPHS + 1)))
    assert stats.values == {"tempo/dropped/too_long": 1}


def test_non_text_values_are_not_exported_as_text() -> None:
    """A parser bug handing a JSON-LD number or object on must not reach the output as one."""
    a, cuts = bound_article(article(title=2024, section={"name": "Dunia"}, reporters=["Budi", 7]))  # type: ignore[arg-type]
    assert a.title is None and a.section is None and a.reporters == ["Budi"]
    assert cuts == {"title": 1, "section": 1, "reporters": 1}


def test_addresses_leave_every_field_including_urls() -> None:
    mail = "pembaca%40contoh.example"
    a = finalize(article(
        image_url=f"https://statik.tempo.co/data/foto.jpg?w=720&email={mail}",
        body=["Paragraf satu.", "Hubungi ü.ser@exämple.de, x@gmail .com atau x(at)gmail.com hari ini."],
        editors_pick=Link("Pilihan", f"https://www.tempo.co/read/1/x?ref={mail}"),
        read_also=[Link("Baca", "mailto:redaksi@tempo.co.id")],
        related=[RelatedArticle(title="Judul", url="https://www.tempo.co/cdn-cgi/l/email-protection#5a3f37")],
        lead="Kontak [email\u00a0protected] untuk info",
    ))
    assert leaks_in(asdict(a)) == {}
    assert a.image_url == "https://statik.tempo.co/data/foto.jpg?w=720"
    assert a.editors_pick == Link("Pilihan", "https://www.tempo.co/read/1/x")
    assert a.read_also == [Link("Baca", None)] and a.related[0].url is None
    assert a.body[1] == "Hubungi , atau hari ini."
    assert a.lead == "Kontak untuk info"


def test_glued_chrome_leaves_every_text_field() -> None:
    a = CleanPipeline(Stats()).process_item(article(
        title="Scroll Untuk Melanjutkan NATO Setujui Bantuan",
        body=["Paragraf satu. Baca berita dengan sedikit iklan, klik di sini"],
        image_caption="image-gnews Foto NATO"))
    assert (a.title, a.body, a.image_caption) == ("NATO Setujui Bantuan", ["Paragraf satu."], "Foto NATO")
    assert leaks_in(json.loads(json.dumps(asdict(a)))) == {}


def test_each_related_field_is_cut_and_counted_under_its_own_name() -> None:
    """Found by mutation testing (make mutants): the names of the related item's cuts."""
    text, date, url = "t" * (limits.MAX_TEXT + 1), "d" * (limits.MAX_DATE_TEXT + 1), URL + "x" * limits.MAX_URL
    a, cuts = bound_article(article(related=[
        RelatedArticle(title="Judul", url=url, relative_time=date, published_at=date, image_caption=text, summary=text),
        RelatedArticle(title=text, url=URL)]))
    assert a.related == [RelatedArticle(title="Judul")]
    assert cuts == {"related.title": 1, "related.url": 1, "related.relative_time": 1, "related.published_at": 1,
                    "related.image_caption": 1, "related.summary": 1}
