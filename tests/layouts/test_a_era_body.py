"""The A-era body walk (layouts/a_era.py: A1 and AMP bodies, related cards) on small containers, each case a
value only that rule gives (found by mutation testing, ``make mutants``: the golden pages never reach them)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tempo_crawler.layouts.a_era import body_paras, element_text, related_cards
from tempo_crawler.layouts.base import Page
from tempo_crawler.layouts.body import Para
from tempo_crawler.layouts.xpath import html_root
from tempo_crawler.text.credits import credit_agency

URL = "https://dunia.tempo.co/read/1300001/judul-contoh"
PAGE = Page(URL, "<html></html>", datetime(2020, 5, 1, 3, 0, tzinfo=timezone.utc))


def root(html: str) -> Any:
    return html_root(f"<html><body>{html}</body></html>")


def paras(inner: str) -> list[Para]:
    return body_paras(root(f'<div id="isi">{inner}</div>').xpath('//div[@id="isi"]')[0], PAGE)


def test_read_also_boxes_give_one_insert_per_link_with_its_url() -> None:
    got = paras('<div class="bacajuga"><a href="/read/2/x">Judul <b>Dua</b></a><a href="/read/3/y"> </a>'
                '<a href="/read/4/z">Judul Empat</a></div>')
    assert got == [Para("Baca juga: Judul Dua", "https://dunia.tempo.co/read/2/x", "Judul Dua"),
                   Para("Baca juga: Judul Empat", "https://dunia.tempo.co/read/4/z", "Judul Empat")]


def test_a_baca_label_with_titles_on_its_lines() -> None:
    got = paras('<p>Baca:<br><a href="/read/5/a">Judul Lima</a><br>Baca juga: Judul Enam</p>')
    assert got == [Para("Baca:"), Para("Baca juga: Judul Lima", "https://dunia.tempo.co/read/5/a", "Judul Lima"),
                   Para("Baca juga: Judul Enam")]
    assert paras('<p>Baca:<br>Judul Tujuh</p>') == [Para("Baca:"), Para("Baca juga: Judul Tujuh")]
    # lines of an ordinary paragraph are one paragraph, its first link kept with it
    assert paras('<p>Baris satu<br><a href="/read/8/b">Baris</a> dua</p>') == [
        Para("Baris satu Baris dua", "https://dunia.tempo.co/read/8/b", "Baris")]


def test_the_walk_skips_what_is_never_text_and_goes_into_containers() -> None:
    got = paras('<!-- catatan --><script>var x;</script><p><br>Setelah baris kosong.</p>'
                '<div id="ads-main-2"><p>Iklan id.</p></div><amp-ad-custom><p>Iklan AMP.</p></amp-ad-custom>'
                '<div><section><p>Teks <span class="iklan">IKLAN</span>lanjut <a href="/read/6/q">Tau<i>tan</i></a>.'
                '</p></section></div>')
    assert got == [Para("Setelah baris kosong."),
                   Para("Teks lanjut Tautan.", "https://dunia.tempo.co/read/6/q", "Tautan")]


def test_a_text_result_is_cleaned_text() -> None:
    assert element_text(" Judul \u00a0 Atribut ") == "Judul Atribut" and element_text(" ") is None
    assert element_text(None) is None


def cards(*inner: str) -> list[str]:
    tree = root("".join(f'<div class="card-box">{c}</div>' for c in inner))
    return [r.title for r in related_cards(tree.xpath('//div[@class="card-box"]'), PAGE)]


def test_related_card_title_chain() -> None:
    assert cards('<div class="title"><a href="/read/1/a">Rubrik</a></div>'
                 '<article class="text-card"><h3 class="title"><a href="/read/1/b">Judul Kartu</a></h3></article>',
                 '<div class="title"><a href="/read/2/a">Judul Kelas</a></div>',
                 '<h3><a href="/read/3/a">Judul H3</a></h3>',
                 '<h2><a href="/read/4/a">Judul H2</a></h2>',
                 '<p>Tanpa tautan</p>') == ["Judul Kartu", "Judul Kelas", "Judul H3", "Judul H2"]


def test_credit_media_words_name_an_outlet_only_as_its_last_word_of_several() -> None:
    assert credit_agency("TODAY") is None                     # one word: a writer's name, not an outlet
    assert credit_agency("JAKARTA NEWS DESK") is None         # the media word must end the name
    assert credit_agency("JAKARTA DAILY NEWS") == "JAKARTA DAILY NEWS"


def test_related_card_dates_summaries_and_non_body_boxes() -> None:
    tree = root('<div class="card-box"><article class="text-card"><h3 class="title"><a href="/read/1/a">Satu</a></h3>'
                '<span class="date">2 jam lalu</span><p class="kecil">Bukan ringkasan</p><p>Ringkasan satu.</p>'
                '</article></div>'
                '<div class="card-box"><h3><a href="/read/2/a"> </a></h3></div>'           # no title: skipped
                '<div class="card-box"><p>Tanpa tautan</p></div>'                         # no link: skipped
                '<div class="card-box"><h3 class="title"><a href="/read/3/a">Tiga</a></h3>'
                '<span class="date">Lain</span><h4 class="date">14 Juni 2024</h4></div>')
    one, three = related_cards(tree.xpath('//div[@class="card-box"]'), PAGE)
    assert (one.title, one.relative_time, one.published_at, one.summary) == (
        "Satu", "2 jam lalu", "2020-05-01T08:00:00+07:00", "Ringkasan satu.")
    assert one.url == "https://dunia.tempo.co/read/1/a"
    # an absolute date is kept raw for the normalise pipeline, h4.date before any other .date
    assert (three.title, three.relative_time, three.published_at) == ("Tiga", None, "14 Juni 2024")
    # tag and author boxes inside a body container are never body
    assert paras('<div class="tags"><a>Tag</a></div><p>Isi.</p>') == [Para("Isi.")]
