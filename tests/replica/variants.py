"""Replica variants for the monitors' tests, off by default (``ReplicaSite.redesign``,
``ReplicaSite.challenge_share``); they change only how article pages are served:

* **redesign** — B pages as after an unknown redesign: the body paragraphs moved out of
  ``div#content-wrapper`` / ``[data-innity-container]`` into a container no parser knows, the photo caption
  out of ``<figcaption>``; the JSON-LD (with ``articleBody``) kept. The B parser still recognises the page (its
  Nuxt markers stay) and falls back to the JSON-LD body, which only the layout canary notices.
* **challenge_share** — that share of article pages (chosen by a hash of the path, so the same pages every
  time) answered with HTTP 403 and a Cloudflare-style "Just a moment..." challenge page.
"""

from __future__ import annotations

import re
import zlib

CHALLENGE = (b"<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
             b"<meta name=\"robots\" content=\"noindex,nofollow\"></head><body><div class=\"main-wrapper\">"
             b"<h1>www.tempo.co</h1><p>Verifying you are human. This may take a few seconds.</p>"
             b"<div id=\"challenge-error-text\">Enable JavaScript and cookies to continue</div></div>"
             b"<script>window._cf_chl_opt={cType:'managed'};</script></body></html>\n")
CHALLENGE_HEADERS = {"Server": "cloudflare", "cf-mitigated": "challenge", "Cache-Control": "no-store"}

_REDESIGN = (
    (re.compile(rb'<div id="content-wrapper"( class="[^"]*")?>'), b'<div class="rx-story__text">'),
    (re.compile(rb'data-innity-container="[^"]*"'), b'data-rx="story"'),
    (re.compile(rb"<figcaption([^>]*)>"), b'<div class="rx-media__credit"\\1>'),
    (re.compile(rb"</figcaption>"), b"</div>"),
)


def challenged(path: str, share: float) -> bool:
    return share > 0 and zlib.crc32(path.encode("utf-8")) % 1000 < share * 1000


def redesigned(body: bytes) -> bytes:
    """A B page after the redesign (A-era pages are returned unchanged)."""
    if b'id="content-wrapper"' not in body and b"data-innity-container" not in body:
        return body
    for pattern, replacement in _REDESIGN:
        body = pattern.sub(replacement, body)
    return body
