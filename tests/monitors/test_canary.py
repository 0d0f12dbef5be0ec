"""The layout canary: token F1 by hand, and per page on golden B pages as served and as redesigned."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tempo_crawler.layouts import detect
from tempo_crawler.layouts.base import Page
from tempo_crawler.monitors.canary import body_f1, token_f1, tokens
from tempo_crawler.monitors.ledger import RunLedger, publication_hour
from tests.replica.variants import redesigned
from tests.support.golden import FIXTURES


def test_token_f1_by_hand() -> None:
    assert token_f1(["a", "b", "c", "d"], ["a", "b", "c", "x"]) == pytest.approx(0.75)   # p = r = 3/4
    assert token_f1(["a", "a", "b"], ["a", "b", "b", "b"]) == pytest.approx(4 / 7)      # 2 common; p 2/4, r 2/3
    assert token_f1([], []) == 1.0
    assert token_f1(["a"], []) == 0.0 and token_f1([], ["a"]) == 0.0


def test_body_f1_ignores_case_and_punctuation() -> None:
    assert body_f1("Presiden Prabowo, hari ini.", ["presiden prabowo", "HARI INI"]) == 1.0
    assert body_f1("Presiden Prabowo hari ini", []) == 0.0        # the body moved: nothing read from the DOM


def test_an_excerpt_is_compared_with_the_start_of_the_body() -> None:
    dom = ["a b c d e f g h"]
    assert body_f1("a b c", dom) == 1.0            # 3 tokens < 0.6 × 8: compared with "a b c"
    assert body_f1("x y z", dom) == 0.0
    assert body_f1("a b c d e", dom) == pytest.approx(2 * 5 / 8 / (5 / 8 + 1))   # 5 ≥ 4.8: the whole body


def page_of(case: str, html: str) -> Page:
    url = json.loads((FIXTURES / case / "meta.json").read_text("utf-8")).get("url") or "https://www.tempo.co/x-1"
    return Page(url, html)


def observe(case: str, redesign: bool = False) -> RunLedger:
    html = (FIXTURES / case / "page.html").read_bytes()
    page = page_of(case, (redesigned(html) if redesign else html).decode("utf-8"))
    parser = detect(page)
    assert parser is not None and parser.name == "B"
    ledger = RunLedger()
    ledger.observe_page(parser.parse(page), page)
    return ledger


@pytest.mark.parametrize("case", ["b/1190350", "b/176118", "b/184093"])
def test_golden_b_pages_score_high_and_their_redesign_scores_zero(case: str) -> None:
    healthy = observe(case)
    assert len(healthy.canary_f1) == 1 and healthy.canary_f1[0] >= 0.9 and healthy.fallback_pages == 0
    moved = observe(case, redesign=True)
    # The B parser still fills the body from the JSON-LD: only the canary and the fallback count see it.
    assert moved.canary_f1 == [0.0] and moved.fallback_pages == 1


def test_a_paywalled_page_is_not_compared() -> None:
    ledger = observe("b/966260")   # Tempo+ teaser: the DOM shows two paragraphs, the JSON-LD may hold more
    assert ledger.canary_f1 == []


def test_ledger_items_and_canary_figures() -> None:
    from tempo_crawler.items import Article

    ledger = RunLedger(canary_f1=[1.0, 0.2, 0.9, 0.95])
    ledger.observe_item(Article(reporters=["A"], published_at="2025-01-02T03:04:05+07:00"))
    ledger.observe_item(Article(editors=["B"], published_at="2025-01-01T20:10:00Z"))
    ledger.observe_item(Article(published_at=None))
    assert (ledger.items, ledger.with_people) == (3, 2)
    assert ledger.published == {"2025-01-01T20": 2}          # 03:04 WIB is 20:04 UTC the day before
    assert ledger.canary(0.8) == {"pages": 4, "median_f1": 0.925, "min_f1": 0.2, "below": 1, "layouts": {}}
    assert publication_hour("not a date") is None


@pytest.mark.parametrize("text", ["Straße STRASSE", "İstanbul ISTANBUL", "ΟΔΟΣ οδος οδοσ", "ﬁnal FINAL",
                                  "Ǆemal ǅemal", "Presiden  Prabowo\n\nhari-ini", "", "...!"])
def test_tokens_fold_each_word_as_casefold_does(text: str) -> None:
    assert tokens(text) == [w.casefold() for w in re.findall(r"\w+", text)]


@given(st.text(max_size=80))
def test_tokens_are_the_words_casefolded_one_by_one(text: str) -> None:
    assert tokens(text) == [w.casefold() for w in re.findall(r"\w+", text)]
