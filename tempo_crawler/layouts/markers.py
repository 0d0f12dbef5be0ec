"""Page markers several layouts test to tell themselves apart (content only, never the host)."""

from __future__ import annotations

from tempo_crawler.layouts.base import Page

# MARKUP.md §5: repeated div#content-wrapper, the Nuxt state stub, /_nuxt/ assets.
NUXT_XPATH = (
    '//div[@id="content-wrapper"] | //*[@id="__nuxt"] | //script[@id="__NUXT_DATA__"]'
    ' | //script[contains(., "window.__NUXT__")] | //script[contains(@src, "/_nuxt/")]'
    ' | //link[contains(@href, "/_nuxt/")]'
)
_AMP_ATTRS = ("amp", "\u26a1")
# Old-site (A1/A2/AMP) ad containers: MARKUP.md §3 "Ads" (ABPindo filters; one public scraper).
A_AD_CLASSES = ("iklan", "parallax-box", "banner728", "bannerfull", "head-banner", "banner-fix-bottom",
                "banner970x250", "banner320x480")
A_AD_IDS = ("ads-main-2",)


def is_amp_html(page: Page) -> bool:
    """``<html amp>`` or ``<html ⚡>`` (the AMP document marker)."""
    html = next(iter(page.sel.root.xpath("/html")), None) if page.sel.root is not None else None
    if html is None:
        return False
    return any(a in html.attrib for a in _AMP_ATTRS)


def is_nuxt(page: Page) -> bool:
    """Layout B (the Nuxt site) markers."""
    return bool(page.sel.xpath(NUXT_XPATH))
