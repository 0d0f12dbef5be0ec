"""What a fetch came to (tempo_crawler/responses.py): every failed request has a cause in words and as a stats
key (issue 11, defect 8: failures were logged without HTTP status, with an empty reason ``()``); cut-short
pages are recognised; a page's text is UTF-8 whatever a wrong header says."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, TextResponse

from tempo_crawler.responses import cut_short, page_text

URL = "https://www.tempo.co/internasional/judul-1234567"


@pytest.mark.parametrize(("body", "flags", "ctype", "why"), [
    (b"<html><body><p>whole</p></body></html>\n", [], "text/html", None),
    (b"<HTML><body><p>whole</p></body></HTML >", [], "text/html", None),
    (b"<html><body><p>whole</p></body></html><!-- trailing -->", [], "text/html", None),
    (b"<html><body><p>cut in the mid", [], "text/html", "page cut short (no closing </html>)"),
    (b"<html><body><p>cut in the mid", ["partial"], "text/html", "page cut short (no closing </html>)"),
    (b"<html><body></body></html>", ["dataloss"], "text/html", "response cut short (data loss)"),
    (b"", [], "text/html", "empty response"),
    (b"  \n ", [], "text/html", "empty response"),
    (b"plain text without html end", [], "text/plain", None),
])
def test_cut_short(body: bytes, flags: list[str], ctype: str, why: str | None) -> None:
    cls = HtmlResponse if ctype == "text/html" else TextResponse
    response = cls(URL, body=body, flags=flags, headers={"Content-Type": ctype}, encoding="utf-8")
    assert cut_short(response) == why


def test_page_text_is_utf8_whatever_the_header_claims() -> None:
    body = "<html><body><p>\u201cSelamat datang\u201d di Jak\u00e4rta</p></body></html>".encode()
    lying = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert "\u00e2\u20ac" in lying.text or "\u00e2\x80" in lying.text    # what the header alone gives: mojibake
    assert page_text(lying) == body.decode("utf-8")
    latin = HtmlResponse(URL, body="<p>Jak\u00e4rta</p>".encode("latin-1"),
                         headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert page_text(latin) == "<p>Jak\u00e4rta</p>"                       # not UTF-8: the header decides
