"""Every rule of the chrome lexicon is needed: for each entry of ``tempo_crawler/text/lexicon.toml`` that removes
text, its cases (``lexicon_cases/cases.toml``) put the string where it can hurt (inside the article container of
each layout it has been seen on, or in a saved page text); with the whole lexicon the string is in no field, and
with that one entry taken out it reaches the output. Tests are generated from the lexicon file: an entry without
a case fails, and so does a case whose entry is gone."""

from __future__ import annotations

import tomllib
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tempo_crawler.exporters.text_reader import read_text
from tempo_crawler.items import Article
from tempo_crawler.layouts import detect, parse_page
from tempo_crawler.layouts.base import Page
from tempo_crawler.text.chrome import lexicon
from tests.support.leaks import finalize, forbidden_in
from tests.support.lexicon import lexicon_without

CASES_DIR = Path(__file__).resolve().parent / "lexicon_cases"
CASES: list[dict[str, Any]] = tomllib.loads((CASES_DIR / "cases.toml").read_text("utf-8"))["case"]
# Lexicon lists that are not rules removing text: the audit's list (checked below) and a reference list.
NOT_RULES = {"forbidden_substrings": "audited below", "link_outs": "kept as body text"}
RULE_KINDS = tuple(k for k, v in lexicon().items() if isinstance(v, list) and k not in NOT_RULES)
ENTRIES = [(kind, entry) for kind in RULE_KINDS for entry in lexicon()[kind]]
# target: (page template, the URL it is served at, the layout the parser must recognise)
TARGETS = {
    "a1": ("a1.html", "https://dunia.tempo.co/read/1300001/taman-kota-dibuka-untuk-warga", "A1"),
    "a2": ("a2.html", "https://dunia.tempo.co/read/1879001/taman-kota-dibuka-untuk-warga", "A2"),
    "amp": ("amp.html", "https://dunia.tempo.co/amp/1800001/taman-kota-dibuka-untuk-warga", "AMP"),
    "b": ("b.html", "https://www.tempo.co/internasional/taman-kota-dibuka-untuk-warga-1234567", "B"),
    "dump": ("dump.txt", None, None),
}
FETCHED = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
CAPTION = "Suasana taman kota pada Senin pagi. ANTARA"
# Forbidden substrings that are never a line of text, with an exported line that would carry one.
# Also those no lexicon rule removes: Cloudflare's stand-in for an address is removed from every line by the
# e-mail scrubbing (tempo_crawler/text/emails.py, tests/text/test_emails.py) before the lexicon is consulted.
URL_LEAKS = {
    "email-protection": '{"read_also": [{"title": "Surat", "url": "https://www.tempo.co/cdn-cgi/l/email-protection#3c"}]}',
    "[email protected]": '{"body": ["Kontak: [email\u00a0protected]"]}',
}
BODY = ["Pemerintah kota membuka taman baru di pusat kota pada Senin pagi.",
        "Warga menyambut taman itu dengan gembira."]


def _fold(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


def strings(value: Any) -> list[str]:
    """Every string inside a value (dataclass dicts, lists)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def where(article: Article, needle: str) -> list[str]:
    """The fields of ``article`` in which ``needle`` occurs (case and whitespace ignored)."""
    needle = _fold(needle)
    return [name for name, value in asdict(article).items() if any(needle in _fold(s) for s in strings(value))]


def render(case: dict[str, Any], target: str) -> str:
    template = (CASES_DIR / TARGETS[target][0]).read_text("utf-8")
    text = case.get("text", case["entry"])
    caption_place = case.get("place", "body") == "caption"
    if target == "dump":
        chrome = "" if caption_place else case.get("dump", text)
    else:
        chrome = "" if caption_place else case.get("markup", "<p>{text}</p>").replace("{text}", text)
    return template.replace("{{chrome}}", chrome).replace("{{caption}}", text if caption_place else CAPTION)


def parse(case: dict[str, Any], target: str) -> Article:
    """The case's page through the real parser (or the text reader), then clean + normalise."""
    source = render(case, target)
    _, url, layout = TARGETS[target]
    if url is None:
        return finalize(read_text(source, fetched_at=FETCHED))
    parser = detect(Page(url, source, FETCHED))
    assert parser is not None and parser.name == layout, f"{target}: the case page is not read as layout {layout}"
    parsed = parse_page(url, source, FETCHED)
    assert parsed is not None
    return finalize(parsed.article)


def check(case: dict[str, Any], target: str) -> list[str]:
    """What is wrong with one case on one target ([] when the entry removes it and is needed for that)."""
    kind, entry = case["kind"], case["entry"]
    leak = case.get("leak", case.get("text", entry))
    problems = []
    cleaned = parse(case, target)
    if where(cleaned, leak):
        problems.append(f"{target}: {leak!r} reaches {where(cleaned, leak)} with the whole lexicon")
    body = [BODY[0], case["keeps"], BODY[1]] if case.get("keeps") else BODY
    if cleaned.body != body:
        problems.append(f"{target}: the body around the case is {cleaned.body!r}, not {body!r}")
    for name in ("summary", "print_title"):  # what a rule moves out of the body lands in its own field
        if name in case and getattr(cleaned, name) != case[name]:
            problems.append(f"{target}: {name} is {getattr(cleaned, name)!r}, not {case[name]!r}")
    with lexicon_without(kind, entry):
        leaked = parse(case, target)
    needed = target in case.get("needed_in", case["in"])
    if needed and not where(leaked, leak):
        problems.append(f"{target}: without this entry {leak!r} is still removed (another rule covers it: "
                        "drop the entry, or give it a case only it removes)")
    if not needed and where(leaked, leak):
        problems.append(f"{target}: without this entry {leak!r} leaks, but the case says another rule removes it "
                        "there (needed_in)")
    return problems


def test_every_case_names_a_lexicon_entry_and_known_targets() -> None:
    entries = set(ENTRIES)
    stale = [(c["kind"], c["entry"]) for c in CASES if (c.get("kind"), c.get("entry")) not in entries]
    assert stale == [], f"cases for entries no longer in lexicon.toml: {stale}"
    for c in CASES:
        assert c["in"] and set(c["in"]) <= set(TARGETS), c
        assert set(c.get("needed_in", c["in"])) <= set(c["in"]), c
        assert c.get("place", "body") in ("body", "caption") and c.get("seen"), c


def test_templates_parse_to_the_two_paragraphs_without_a_case() -> None:
    empty = {"kind": "exact", "entry": "", "text": "", "markup": ""}
    for target in TARGETS:
        article = parse(empty, target)
        assert article.body == BODY, target
        assert article.image_caption == CAPTION, target


@pytest.mark.parametrize(("kind", "entry"), ENTRIES, ids=[f"{k}:{e[:48]}" for k, e in ENTRIES])
def test_entry_removes_its_cases_and_is_needed(kind: str, entry: str) -> None:
    cases = [c for c in CASES if (c["kind"], c["entry"]) == (kind, entry)]
    assert cases, f"lexicon.toml {kind} entry {entry!r} has no case in tests/text/lexicon_cases/cases.toml"
    # a case may show the entry is not needed somewhere (needed_in = []), but some case must need it
    assert any(c.get("needed_in", c["in"]) for c in cases), f"no case of {kind} {entry!r} fails without it"
    problems = [p for c in cases for target in c["in"] for p in check(c, target)]
    assert problems == []


@pytest.mark.parametrize("substring", lexicon()["forbidden_substrings"])
def test_forbidden_substring_is_audited_on_a_leaking_case(substring: str) -> None:
    """Each substring the output audit looks for is in some case's leak, and the audit flags that leak."""
    if substring in URL_LEAKS:  # never a text line: the exported line that would carry it
        assert substring in forbidden_in(URL_LEAKS[substring])
        return
    cases = [c for c in CASES if _fold(substring) in _fold(c.get("leak", c.get("text", c["entry"])))
             and c.get("needed_in", c["in"])]
    assert cases, f"no case leaks {substring!r}: add one, or drop it from forbidden_substrings"
    case = cases[0]
    target = case.get("needed_in", case["in"])[0]
    with lexicon_without(case["kind"], case["entry"]):
        leaked = parse(case, target)
    assert any(substring in forbidden_in(s) for s in strings(asdict(leaked)))


@pytest.mark.parametrize("line", lexicon()["link_outs"])
def test_link_outs_stay_body_text(line: str) -> None:
    for target in TARGETS:
        article = parse({"kind": "link_outs", "entry": line}, target)
        assert BODY[0] in article.body and line in article.body, target
