"""Is this page a client-rendered shell (content inserted by JavaScript)? Asked only about pages whose
static HTML yielded nothing."""

from __future__ import annotations

from parsel import Selector

_TEXT_XPATH = ("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
               " and not(ancestor::template)]")
_MOUNTS = ("__nuxt", "__next", "app", "root")


def client_shell_marker(html: str) -> str | None:
    """Why this page looks like a client-rendered shell (content inserted by JavaScript), or None.

    Only asked about pages whose static HTML yielded nothing, so a marker is enough: an empty Nuxt
    (or Next/Vue/React) mount point; Nuxt's ``serverRendered:false``; or a ``window.__NUXT__`` stub on a
    page without text (the server-rendered site has the stub too, with content: MARKUP.md §5)."""
    sel = Selector(text=html)
    for mount in _MOUNTS:
        if sel.xpath(f'//div[@id="{mount}"][not(*) and not(normalize-space())]'):
            return f'empty mount point <div id="{mount}">'
    scripts = " ".join(sel.xpath("//script[not(@type='application/ld+json')]/text()").getall())
    compact = "".join(scripts.split())
    if "serverRendered:false" in compact or '"serverRendered":false' in compact:
        return "Nuxt state serverRendered:false"
    if "window.__NUXT__=" in compact:
        text = "".join("".join(sel.xpath(_TEXT_XPATH).getall()).split())
        if len(text) < 200:
            return f"window.__NUXT__ stub and {len(text)} characters of text"
    return None


