"""Property tests (Hypothesis) over the pipelines and the text functions they use: any article a parser could
hand on (texts with e-mail addresses in every form, chrome, control characters, huge values; URLs with
addresses in them; values of the wrong type) passes every pipeline or is dropped with a counted reason, and
what passes carries no e-mail address in any field, URLs included, and respects the field limits."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tempo_crawler import limits
from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.text.chrome import strip_chrome
from tempo_crawler.text.emails import scrub_emails, scrub_url
from tempo_crawler.text.normalize import clean_text
from tests.support.chain import through, warm
from tests.support.leaks import emails_in, strings_of

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZüäéñ"
WORD = st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=12)
LABEL = st.text(alphabet=LETTERS + "0123456789-", min_size=1, max_size=10).filter(lambda s: s.strip("-"))
TLD = st.text(alphabet=LETTERS, min_size=2, max_size=6)
LOCAL = st.text(alphabet=LETTERS + "0123456789._+-", min_size=1, max_size=20).filter(lambda s: s[0].isalnum())


@st.composite
def address(draw: st.DrawFn) -> str:
    """An e-mail address in one of the forms the crawler must remove."""
    local, labels, tld = draw(LOCAL), draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)
    at = draw(st.sampled_from(("@", "\uff20", "(at)", " (at) ", "[at]", " [AT] ")))
    dot = draw(st.sampled_from((".", ".", " .", ". ", " (dot) ", "[dot]")))
    return local + at + dot.join([*labels, tld])


CHROME = st.sampled_from(("Scroll Untuk Melanjutkan", "Baca berita dengan sedikit iklan, klik di sini", "Iklan",
                          "slot-iklan-300x100", "image-gnews", "[email\u00a0protected]", "Advertising"))
ODD = st.sampled_from(("\x00", "\x01", "\x1b", "\x7f", "\x85", "\u200b", "\ud800", "&amp;", "\n", "\xa0", "@",
                       "(at)", ".", ",", "-", "a" * 60_000))
TEXT = st.lists(st.one_of(WORD, WORD, WORD, address(), CHROME, ODD), max_size=12).map(" ".join)
URL = st.one_of(
    st.none(),
    st.builds(lambda path, mail: f"https://statik.tempo.co/{path}.jpg?w=720&email={mail}", WORD,
              address().map(lambda a: a.replace("@", "%40"))),
    st.sampled_from(("https://dunia.tempo.co/read/1879931/nato", "mailto:redaksi@tempo.co.id", "http://[::1/x",
                     "https://www.tempo.co/cdn-cgi/l/email-protection#5a3f37", "https://u@evil.example/x")),
    TEXT,
)
ANY = st.one_of(st.integers(), st.floats(), st.booleans(), st.lists(st.integers(), max_size=2),
                st.dictionaries(WORD, WORD, max_size=2))
MAYBE_TEXT = st.one_of(st.none(), TEXT, TEXT, ANY)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm()


def article() -> st.SearchStrategy[Article]:
    link = st.builds(Link, title=TEXT, url=URL)
    related = st.builds(RelatedArticle, title=TEXT, url=URL, relative_time=MAYBE_TEXT, published_at=MAYBE_TEXT,
                        image_caption=MAYBE_TEXT, summary=MAYBE_TEXT)
    return st.builds(
        Article, id=st.one_of(st.none(), st.just("1879931")), layout=st.sampled_from(("A1", "A2", "AMP", "B")),
        url=st.one_of(st.just("https://dunia.tempo.co/read/1879931/nato"), URL), section=MAYBE_TEXT,
        title=MAYBE_TEXT, lead=MAYBE_TEXT, reporters=st.lists(TEXT, max_size=3), editors=st.lists(TEXT, max_size=3),
        published_at=st.one_of(st.just("Jumat, 14 Juni 2024 08:00 WIB"), MAYBE_TEXT), modified_at=MAYBE_TEXT,
        dateline=MAYBE_TEXT, image_url=URL, image_caption=MAYBE_TEXT, body=st.lists(TEXT, max_size=6),
        editors_pick=st.one_of(st.none(), link), read_also=st.lists(link, max_size=3),
        agency=MAYBE_TEXT, tags=st.lists(TEXT, max_size=4), related=st.lists(related, max_size=3),
        crawled_at=st.just("2024-06-14T03:00:00+00:00"))


@settings(max_examples=300)
@given(article())
def test_pipelines_pass_or_drop_with_a_reason_and_leak_nothing(a: Article) -> None:
    item, dropped = through(a)
    if item is None:
        return
    exported = asdict(item)
    for text in strings_of(exported):
        assert emails_in(text) == [], text
        assert not any(c in text for c in "\x00\x01\x1b\x7f\ud800")
    assert len(item.title or "") <= limits.MAX_TITLE and len(item.body) <= limits.MAX_PARAGRAPHS
    assert all(len(p) <= limits.MAX_PARAGRAPH for p in item.body)
    assert all(len(x) <= limits.MAX_LIST for x in (item.tags, item.reporters, item.related, item.read_also))


@settings(max_examples=150)
@given(st.lists(st.one_of(WORD, address()), max_size=10).map(" ".join), address())
def test_every_address_form_is_scrubbed(text: str, mail: str) -> None:
    scrubbed = scrub_emails(f"{text} {mail} {text}")
    assert emails_in(scrubbed) == [] and scrub_url(f"https://www.tempo.co/x?to={mail}") is not None
    assert emails_in(scrub_url(f"https://www.tempo.co/x?to={mail}") or "") == []


@settings(max_examples=150)
@given(st.one_of(TEXT, ANY, st.text()))
def test_text_functions_are_total(value: Any) -> None:
    cleaned = clean_text(value)
    assert isinstance(cleaned, str) and cleaned == clean_text(cleaned)
    stripped = strip_chrome(cleaned)
    assert stripped is None or (stripped and strip_chrome(stripped) is not None)
