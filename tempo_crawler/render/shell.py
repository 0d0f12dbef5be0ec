"""Is this page a client-rendered shell (content inserted by JavaScript)? Asked only about pages whose
static HTML yielded nothing. What a shell looks like is declared by the layouts (``shell_markers``)."""

from __future__ import annotations

from parsel import Selector

from tempo_crawler.layouts import shell_markers

_TEXT_XPATH = ("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
               " and not(ancestor::template)]")
_STUB_TEXT_LIMIT = 200   # characters of visible text below which a page with a state stub is a shell


def client_shell_marker(html: str) -> str | None:
    """Why this page looks like a client-rendered shell, or None: an empty mount point; a state saying the
    server did not render (Nuxt's ``serverRendered:false``); or a state stub (``window.__NUXT__=``) on a page
    without text (the server-rendered site has the stub too, with content: docs/site.md)."""
    markers = shell_markers()
    sel = Selector(text=html)
    for mount in markers.mounts:
        if sel.xpath(f'//div[@id="{mount}"][not(*) and not(normalize-space())]'):
            return f'empty mount point <div id="{mount}">'
    scripts = " ".join(sel.xpath("//script[not(@type='application/ld+json')]/text()").getall())
    compact = "".join(scripts.split())
    for state in markers.states:
        if state in compact:
            return f"Nuxt state {state.replace(chr(34), '')}"
    for stub in markers.stubs:
        if stub in compact:
            text = "".join("".join(sel.xpath(_TEXT_XPATH).getall()).split())
            if len(text) < _STUB_TEXT_LIMIT:
                return f"{stub.rstrip('=')} stub and {len(text)} characters of text"
    return None
