"""A replica variant for the monitors' tests, off by default (``ReplicaSite.redesign``); it changes only how
article pages are served (challenge pages: ``ReplicaSite.challenge_share``, tests/replica/evidence.py):

* **redesign** — B pages as after an unknown redesign: the body paragraphs moved out of
  ``div#content-wrapper`` / ``[data-innity-container]`` into a container no parser knows, the photo caption
  out of ``<figcaption>``; the JSON-LD (with ``articleBody``) kept. The B parser still recognises the page (its
  Nuxt markers stay) and falls back to the JSON-LD body, which only the layout canary notices.
"""

from __future__ import annotations

import re

_REDESIGN = (
    (re.compile(rb'<div id="content-wrapper"( class="[^"]*")?>'), b'<div class="rx-story__text">'),
    (re.compile(rb'data-innity-container="[^"]*"'), b'data-rx="story"'),
    (re.compile(rb"<figcaption([^>]*)>"), b'<div class="rx-media__credit"\\1>'),
    (re.compile(rb"</figcaption>"), b"</div>"),
)


def redesigned(body: bytes) -> bytes:
    """A B page after the redesign (A-era pages are returned unchanged)."""
    if b'id="content-wrapper"' not in body and b"data-innity-container" not in body:
        return body
    for pattern, replacement in _REDESIGN:
        body = pattern.sub(replacement, body)
    return body
