"""The fast paths of the text rules (issue 14) give what the plain rules give: whitespace collapsed by
``str.split`` where no control character is present, a collapsed text not collapsed again, and the suffix
pattern skipped only on an ASCII tail that holds none of the suffixes' literal heads."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tempo_crawler.text.chrome import AFFIX_WINDOW, _affixes, _exact, _patterns, lexicon, literal_head, strip_chrome
from tempo_crawler.text.normalize import clean_text, collapse_spaces

_PLAIN_SPACES = re.compile("[\\s\x00-\x08\x0e-\x1f\x7f-\x9f]+")


def _plain_collapse(text: str) -> str:
    """The rule as the regex states it: whitespace and control characters, one space; trimmed."""
    return _PLAIN_SPACES.sub(" ", text).strip()


_SPACEY = st.text(alphabet=st.sampled_from(
    ["a", "B", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000",
     "\u2028", "\x00", "\x08", "\x0e", "\x7f", "\x9f", "é", "ß"]), max_size=40)


@given(_SPACEY)
@example("a\x1cb")      # a separator str.split splits at and \s matches
@example("a\x85b")      # NEL: whitespace to both
@example("a\x00 \x7fb")
def test_whitespace_collapse_is_the_regex_rule(text: str) -> None:
    assert clean_text(text) == _plain_collapse(text)


@given(st.text(max_size=60))
def test_whitespace_collapse_on_any_ascii_free_text(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == _plain_collapse(cleaned)   # idempotent under the plain rule: nothing left to collapse


@pytest.mark.parametrize(("pattern", "head"), [
    ("Scroll Untuk Melanjutkan", "scroll untuk melanjutkan"),
    ("Baca berita dengan sedikit iklan,? klik di ?sini\\.?", "baca berita dengan sedikit iklan"),
    ("slot-iklan-\\d{1,4}x\\d{1,4}", "slot-iklan-"),
    ("Lupa Kata Sandi\\? Klik di Sini", "lupa kata sandi"),
    ("Iklans*", "iklan"),
    ("(?:Iklan)", None),
    ("Iklan|Advertisement", None),
    ("[Ii]klan", None),
])
def test_literal_head(pattern: str, head: str | None) -> None:
    assert literal_head(pattern) == head


def test_every_suffix_has_a_literal_head() -> None:
    # Without one the fast path is off for every line (correct, but the suffix search runs everywhere).
    assert all(literal_head(p) for p in lexicon()["suffixes"])


STORY = "Presiden berkata pengguna harus mengganti akunnya."


@pytest.mark.parametrize("suffix", ["Kirimkan Lagi Sekarang", "KIRIMKAN LAGI SEKARANG", "slot-iklan-728x90"])
def test_a_suffix_is_cut_on_an_ascii_line(suffix: str) -> None:
    assert strip_chrome(f"{STORY} {suffix}") == STORY


def test_a_suffix_is_cut_when_case_folding_goes_beyond_ascii() -> None:
    # U+017F LONG S matches "s" under re.IGNORECASE but lower() keeps it: a tail that is not ASCII is left to
    # the pattern itself.
    assert strip_chrome(f"{STORY} Kirimkan Lagi \u017fekarang") == STORY


def test_printable_text_holds_no_whitespace_but_the_space() -> None:
    # collapse_spaces' premise, over every code point: str.split() splits at nothing isprintable() allows but " ".
    assert [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable()] == ["0x20"]


@given(_SPACEY)
@example(" a")
@example("a ")
@example("a  b")
@example("a\xa0b")
@example("")
def test_collapse_spaces_is_split_and_join(text: str) -> None:
    assert collapse_spaces(text) == " ".join(text.split())


@given(st.text(max_size=60))
def test_collapse_spaces_on_any_text(text: str) -> None:
    assert collapse_spaces(text) == " ".join(text.split())


def _plain_strip_chrome(line: str | None) -> str | None:
    """strip_chrome as the lexicon states it, with no fast path: whitespace collapsed at every step, the prefix
    and suffix patterns run on every line."""
    prefix, suffix = _affixes()

    def whole(text: str) -> bool:
        key = " ".join(text.split())
        return bool(key) and (key.casefold() in _exact() or _patterns().match(key) is not None)

    if not line or whole(line):
        return None
    rest = " ".join(line.split())
    for _ in range(4):
        before = rest
        m = prefix.match(rest, 0, AFFIX_WINDOW)
        if m and m.end() > 0:
            rest = rest[m.end():]
        m = suffix.search(rest, max(0, len(rest) - AFFIX_WINDOW))
        if m and m.start() < len(rest):
            rest = rest[:m.start()].rstrip(" -\u2013\u2014|\u2022\u00b7")
        if rest == before:
            break
    return None if not rest or whole(rest) else rest


_CHROME_BITS = [*lexicon()["exact"], "Scroll Untuk Melanjutkan", "SCROLL untuk melanjutkan", "slot-iklan-300x250",
                "Kirimkan Lagi Sekarang", "Kirimkan Lagi \u017fekarang", "image-gnews", "Lupa Kata Sandi? Klik di Sini",
                "Baca berita dengan sedikit iklan, klik di sini", "Lulus dari Jurusan Sejarah", "- Akses penuh"]
_LINES = st.lists(st.one_of(st.sampled_from(_CHROME_BITS), st.sampled_from(
    ["Presiden", "berkata", "jalan.", "\xa0", " ", "  ", "\t", "-", "|", ":", "\u2022", "é", "ſ", "\n"])),
    max_size=12).map("".join)


@given(_LINES)
@example("Presiden berkata. Scroll Untuk Melanjutkan")
@example("Scroll Untuk Melanjutkan Presiden berkata.")
@example("  Presiden\xa0berkata.  ")
def test_strip_chrome_is_the_plain_rule(line: str) -> None:
    assert strip_chrome(line) == _plain_strip_chrome(line)
