"""E-mail addresses: found and removed in linear time, in plain and obfuscated forms, in text and in URLs.

Forms: ``name@host.tld`` (Unicode letters too: ``ü.ser@exämple.de``), the full-width ``＠``,
``name(at)host.tld`` / ``name [at] host [dot] tld``, a space at a dot of the domain (``x@gmail .com``), and
Cloudflare's ``[email protected]`` stand-in.

Linear time, whatever the input: the search is anchored on the ``@`` / ``(at)`` marks (found in one pass),
and around each mark only a bounded window is read (RFC 5321 sizes: a local part of at most 64 characters,
at most 9 labels of at most 63). A 100 KB "word" costs what 100 KB of prose costs; no pattern here can
backtrack over more than a window.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, unquote_plus, urlencode, urlsplit, urlunsplit

_MARK = re.compile(r"[@\uff20]|[(\[{][ \t]{0,2}at[ \t]{0,2}[)\]}]", re.IGNORECASE)
_LOCAL_WINDOW = 64 + 2
_DOMAIN_WINDOW = 9 * (63 + 9) + 24 + 2
# The local part that ends right before a mark (searched in the window before it; a space only before "(at)").
_LOCAL = re.compile(r"[\w.%+-]{1,64}$")
_LOCAL_SPACED = re.compile(r"[\w.%+-]{1,64}[ \t]{0,2}$")
_DOT = r"(?:[ \t]?\.[ \t]?|[ \t]{0,2}[(\[{][ \t]{0,2}dot[ \t]{0,2}[)\]}][ \t]{0,2})"
# The domain that starts right after a mark: labels, then a letters-only top-level domain.
_DOMAIN = re.compile(rf"[ \t]{{0,2}}[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{0,8}}{_DOT}[^\W\d_]{{2,24}}",
                     re.IGNORECASE)
CLOUDFLARE_STUB = re.compile(r"\[email[\s\xa0]{0,3}protected\]", re.IGNORECASE)
# Cloudflare's e-mail protection links carry the address (hex-encoded) in the URL.
_PROTECTED_URL = "/cdn-cgi/l/email-protection"
# Every mark and the stub start with one of these characters.
_MARK_STARTS = ("@", "\uff20", "(", "[", "{")


def email_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every e-mail address in ``text``, in order, not overlapping."""
    if not any(map(text.__contains__, _MARK_STARTS)):   # no mark, no stub: the usual paragraph, no regex run
        return []
    spans: list[tuple[int, int]] = []
    last = 0
    for mark in _MARK.finditer(text):
        start, end = mark.span()
        if start < last:
            continue
        domain = _DOMAIN.match(text, end, end + _DOMAIN_WINDOW)
        if domain is None:
            continue
        local = (_LOCAL if mark.group() in "@\uff20" else _LOCAL_SPACED).search(
            text, max(last, start - _LOCAL_WINDOW), start)
        if local is not None:
            spans.append((local.start(), domain.end()))
            last = domain.end()
    spans.extend(m.span() for m in CLOUDFLARE_STUB.finditer(text))
    return sorted(spans)


def has_email(text: str | None) -> bool:
    return bool(text) and bool(email_spans(text))  # type: ignore[arg-type]


def scrub_emails(text: str) -> str:
    """``text`` without e-mail addresses (a reader's address must never reach output)."""
    spans = email_spans(text)
    if not spans:
        return text
    out, at = [], 0
    for start, end in spans:
        if start > at:
            out.append(text[at:start])
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)


def _carries_email(part: str) -> bool:
    return has_email(part) or has_email(unquote_plus(part))


def scrub_url(url: str | None) -> str | None:
    """A URL without e-mail addresses: query parameters that carry one are removed, and user info; a URL
    that still carries one (path, fragment, ``mailto:``, Cloudflare's e-mail protection) becomes None."""
    if not url or not (_carries_email(url) or _PROTECTED_URL in url or url[:7].lower() == "mailto:"):
        return url
    if url[:7].lower() == "mailto:" or _PROTECTED_URL in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    netloc = parts.netloc.rpartition("@")[2]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not (_carries_email(k) or _carries_email(v))]
    fragment = "" if _carries_email(unquote(parts.fragment)) else parts.fragment
    rebuilt = urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), fragment))
    return None if _carries_email(rebuilt) else rebuilt
