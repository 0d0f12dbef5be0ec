"""The text form: item → text mirrors the sample page texts; the pipeline writes ``<id>.txt`` atomically."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from scrapy.utils.test import get_crawler

from tempo_crawler.exporters.text_form import TextFormPipeline, to_text
from tempo_crawler.items import Article, Link, RelatedArticle
from tests.support.leaks import forbidden_in
from tests.support.samples import (
    EXPECTED_TEXT,
    SAMPLES,
    expected_item,
    raw_paths,
    sample_minus_chrome,
    text_lines,
)
from tests.support.stats import Stats

NAMES = sorted(SAMPLES)


@pytest.mark.parametrize("name", NAMES)
def test_text_form_equals_hand_written_file(name: str) -> None:
    """Byte for byte: the hand-written expected file is the text form of the expected item."""
    expected = (EXPECTED_TEXT / f"{name}.txt").read_text("utf-8")
    assert to_text(expected_item(name)) == expected


@pytest.mark.parametrize("name", NAMES)
def test_hand_written_file_is_the_sample_minus_chrome(name: str) -> None:
    expected = (EXPECTED_TEXT / f"{name}.txt").read_text("utf-8")
    for path in raw_paths(name):
        assert text_lines(expected) == sample_minus_chrome(path.read_text("utf-8")), path


@pytest.mark.parametrize("name", NAMES)
def test_text_form_equals_sample_minus_chrome(name: str) -> None:
    got = text_lines(to_text(expected_item(name)))
    for path in raw_paths(name):
        want = sample_minus_chrome(path.read_text("utf-8"))
        assert got == want, path


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mutation", ["drop_first", "drop_middle", "drop_last", "extra", "swap"])
def test_one_body_line_missing_or_extra_fails(name: str, mutation: str) -> None:
    article = expected_item(name)
    body = list(article.body)
    if mutation == "drop_first":
        body = body[1:]
    elif mutation == "drop_middle":
        del body[len(body) // 2]
    elif mutation == "drop_last":
        body = body[:-1]
    elif mutation == "extra":
        body.insert(3, "Paragraf tambahan.")
    else:
        body[2], body[3] = body[3], body[2]
    mutated = replace(article, body=body)
    mutated.dateline_glued = article.dateline_glued
    want = sample_minus_chrome(raw_paths(name)[0].read_text("utf-8"))
    assert text_lines(to_text(mutated)) != want


def test_first_body_lines_print_the_dateline_as_the_pages_did() -> None:
    assert "\nTEMPO.CO, Jakarta - Sekretaris Jenderal NATO Jens Stoltenberg mengatakan" in to_text(
        expected_item("sample-000"))
    assert "\nTEMPO.CO, JakartaNATO menyatakan tidak memiliki rencana" in to_text(expected_item("sample-002"))


def test_without_the_glued_flag_the_standard_dateline_is_printed() -> None:
    """What the item's current fields allow for sample 002: the glued form needs ``dateline_glued``."""
    article = expected_item("sample-002")
    article.dateline_glued = False
    assert "\nTEMPO.CO, Jakarta - NATO menyatakan" in to_text(article)


def test_labels_and_left_out_lines() -> None:
    text = to_text(Article(title="Judul", body=["Satu.", "Dua."]))
    assert text == "Judul\n\nReporter\n\nSatu.\n\nDua.\n"


def test_full_layout_of_every_block() -> None:
    a = Article(
        title="Judul", reporters=["Ayu Contoh", "Budi Contoh"], editors=["Bima Contoh"], dateline="Beijing",
        image_caption="Foto. REUTERS/Nama", body=["Satu.", "Dua."], read_also=[Link("Baca ini", "u")],
        editors_pick=Link("Pilihan", None), agency="AP", closing_credit="AP",
        related=[RelatedArticle("R1", relative_time="2 jam lalu", image_caption="Cap", summary="Ringkas."),
                 RelatedArticle("R2", summary="Tanpa waktu dan foto.")],
    )
    assert to_text(a) == (
        "Judul\n\nReporter\n\nAyu Contoh\n\nBudi Contoh\n\nEditor\n\nBima Contoh\n\nFoto. REUTERS/Nama\n\n"
        "TEMPO.CO, Beijing - Satu.\n\nDua.\n\nBaca juga: Baca ini\n\nPilihan Editor: Pilihan\n\nAP\n\n"
        "Video Pilihan\n\nR1\n\n2 jam lalu\n\nCap\nR1\n\nRingkas.\n\nR2\n\nR2\n\nTanpa waktu dan foto.\n"
    )


def test_values_are_single_lines_without_email() -> None:
    a = Article(title="Judul\nbaris\u00a0dua", body=["Hubungi pembaca@contoh.example  sekarang."])
    text = to_text(a)
    assert text.startswith("Judul baris dua\n\n")
    assert "@" not in text and "Hubungi sekarang." in text
    assert forbidden_in(text) == []


# --- the pipeline --------------------------------------------------------------------------------------
def test_pipeline_writes_id_txt(tmp_path) -> None:  # noqa: ANN001
    stats = Stats()
    pipe = TextFormPipeline(tmp_path / "text", stats)
    article = expected_item("sample-000")
    assert pipe.process_item(article) is article
    written = tmp_path / "text" / "1879931.txt"
    assert written.read_text("utf-8") == (EXPECTED_TEXT / "sample-000.txt").read_text("utf-8")
    assert stats.values == {"tempo/text_form/written": 1}
    assert [p.name for p in (tmp_path / "text").iterdir()] == ["1879931.txt"]  # no temp file left


def test_pipeline_replaces_an_existing_file(tmp_path) -> None:  # noqa: ANN001
    pipe = TextFormPipeline(tmp_path, Stats())
    pipe.process_item(Article(id="123456", title="Lama", body=["x"]))
    pipe.process_item(Article(id="123456", title="Baru", body=["y"]))
    assert (tmp_path / "123456.txt").read_text("utf-8").startswith("Baru\n")


def test_an_old_system_and_a_new_site_article_with_one_id_keep_two_files(tmp_path) -> None:  # noqa: ANN001
    """The two systems number separately (docs/site.md): a:2100861 and b:2100861 are two articles."""
    pipe = TextFormPipeline(tmp_path, Stats())
    pipe.process_item(Article(id="2100861", url="https://dunia.tempo.co/read/2100861/lama", title="Lama", body=["x"]))
    pipe.process_item(Article(id="2100861", url="https://www.tempo.co/internasional/baru-2100861", title="Baru",
                              body=["y"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2100861.txt", "b-2100861.txt"]
    assert (tmp_path / "2100861.txt").read_text("utf-8").startswith("Lama\n")
    assert (tmp_path / "b-2100861.txt").read_text("utf-8").startswith("Baru\n")


def test_pipeline_write_error_is_logged_and_counted(tmp_path, caplog) -> None:  # noqa: ANN001
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    stats = Stats()
    pipe = TextFormPipeline(blocker / "text", stats)
    article = Article(id="123456", title="Judul", body=["x"])
    with caplog.at_level(logging.ERROR):
        assert pipe.process_item(article) is article
    assert stats.values == {"tempo/text_form/write_error": 1}
    assert "cannot write" in caplog.text


def test_pipeline_skips_items_without_a_usable_id(tmp_path) -> None:  # noqa: ANN001
    stats = Stats()
    pipe = TextFormPipeline(tmp_path, stats)
    pipe.process_item(Article(title="x", body=["y"]))
    pipe.process_item(Article(id="../../etc/passwd", title="x", body=["y"]))
    assert stats.values == {"tempo/text_form/skipped_no_id": 2}
    assert list(tmp_path.iterdir()) == []


def test_pipeline_reads_its_folder_from_settings(tmp_path) -> None:  # noqa: ANN001
    crawler = get_crawler(settings_dict={"TEMPO_TEXT_DIR": str(tmp_path / "t")})
    crawler.stats = Stats()
    pipe = TextFormPipeline.from_crawler(crawler)
    assert pipe.directory == tmp_path / "t"
    assert pipe.threaded   # in a crawl the file is written by the thread pool (checked by the crawl tests)
    assert TextFormPipeline.from_crawler(get_crawler()).directory.as_posix() == "output/text"
