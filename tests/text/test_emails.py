"""E-mail addresses (tempo_crawler/text/emails.py): every form removed from text and URLs, real text kept,
and the work linear in the input (issue 11 #3, #8)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tempo_crawler.text.chrome import scrub_emails
from tempo_crawler.text.emails import has_email, scrub_url
from tests.support.crawl import ROOT
from tests.support.leaks import emails_in, forbidden_in


@pytest.mark.parametrize(("text", "kept"), [
    ("kirim ke pembaca.setia@contoh.example sekarang", "kirim ke  sekarang"),
    ("Surel: ü.ser@exämple.de, terima kasih", "Surel: , terima kasih"),           # IDN local part and domain
    ("hubungi x@gmail .com untuk info", "hubungi  untuk info"),                   # a space before the dot
    ("hubungi x@gmail. com untuk info", "hubungi  untuk info"),
    ("tulis ke x(at)gmail.com segera", "tulis ke  segera"),
    ("tulis ke redaksi [at] tempo [dot] co [dot] id segera", "tulis ke  segera"),
    ("tulis ke x (AT) gmail.com segera", "tulis ke  segera"),
    ("tulis ke x\uff20gmail.com segera", "tulis ke  segera"),                      # full-width at sign
    ("Kontak: [email\u00a0protected] hari ini", "Kontak:  hari ini"),               # Cloudflare's stand-in
    ("a@b.co dan c@d.co.id", " dan "),
])
def test_every_form_is_removed(text: str, kept: str) -> None:
    assert forbidden_in(text), text  # the audit sees it too
    assert scrub_emails(text) == kept
    assert forbidden_in(kept) == [] and not has_email(kept)


@pytest.mark.parametrize("text", [
    "Ikuti @tempodotco di media sosial.",            # a handle, not an address
    "Harga naik 5 @ Rp 10.000 per kilo.",
    "Skor akhir 2 (at) 1, kata dia.",                # "(at)" without a domain
    "Rapat pukul 10.00 di Jakarta. Presiden hadir.",
    "Iklan rokok dilarang di Singapura sejak 1971.",
])
def test_real_text_is_kept(text: str) -> None:
    assert scrub_emails(text) == text


@pytest.mark.parametrize(("url", "scrubbed"), [
    ("https://statik.tempo.co/data/foto.jpg?w=720&email=pembaca%40contoh.example",
     "https://statik.tempo.co/data/foto.jpg?w=720"),
    ("https://statik.tempo.co/foto.jpg?email=x@gmail.com&w=1", "https://statik.tempo.co/foto.jpg?w=1"),
    ("https://statik.tempo.co/foto.jpg?to=x(at)gmail.com", "https://statik.tempo.co/foto.jpg"),
    ("https://pembaca@contoh.example@www.tempo.co/read/1/x", "https://www.tempo.co/read/1/x"),
    ("mailto:redaksi@tempo.co.id", None),
    ("https://www.tempo.co/cdn-cgi/l/email-protection#5a3f37", None),
    ("https://www.tempo.co/tag/x@gmail.com/berita", None),                        # in the path: the URL goes
    ("https://www.tempo.co/read/1879931/nato?utm_source=x", "https://www.tempo.co/read/1879931/nato?utm_source=x"),
    (None, None),
])
def test_urls_lose_their_addresses(url: str | None, scrubbed: str | None) -> None:
    assert scrub_url(url) == scrubbed
    if scrubbed:
        assert emails_in(scrubbed) == []


_TIMING = textwrap.dedent("""
    import json, sys, time
    from tempo_crawler.text.chrome import scrub_emails
    n = 200_000
    cases = {"prose": "Presiden Joko Widodo bertemu Sekjen NATO di Brussel. " * (n // 54),
             "word": "a" * n, "dotted": "a." * (n // 2), "at_signs": "a@" * (n // 2),
             "at_words": "x(at)" * (n // 5), "addresses": "a@b.co " * (n // 7),
             "long_locals": ("a" * 99 + "@" + "b" * 60 + ".") * (n // 161)}
    out = {}
    for name, text in cases.items():
        start = time.perf_counter()
        scrub_emails(text)
        out[name] = time.perf_counter() - start
    print(json.dumps(out))
""")


def test_scrubbing_is_linear_on_pathological_text() -> None:
    """200,000 characters of pathological text cost about what as much prose costs (the old pattern took
    ~40 s on a 100 KB word). In a subprocess, so a regression fails by timeout instead of hanging the suite."""
    proc = subprocess.run([sys.executable, "-c", _TIMING], cwd=ROOT, capture_output=True, text=True, timeout=60)
    times = json.loads(proc.stdout)
    baseline = max(times.pop("prose"), 0.005)
    for name, seconds in times.items():
        assert seconds < max(1.0, 50 * baseline), (name, seconds, baseline)
