"""JavaScript rendering with scrapy-playwright and Debian's chromium, only where a page needs it.

A browser page costs about 100 times an HTTP fetch, so the spider fetches every page plainly first.
``-a render=`` chooses what happens next:

``auto`` (default)
    A listing or article page whose static HTML yields no articles / no body **and** shows the markers
    of a client-rendered shell (:func:`client_shell_marker`: an empty Nuxt mount point
    ``<div id="__nuxt"></div>``, ``serverRendered:false`` state, a ``window.__NUXT__={}`` stub with no
    text on the page) is requested once more through the browser (:func:`retry`): ``dont_filter``,
    flagged ``tempo_rendered`` so it is never rendered twice. Stats ``tempo/render/fallback`` (pages
    re-requested) and ``tempo/render/pages`` (pages rendered). A run that never needs the browser never
    starts it: :class:`RenderHandler` imports Playwright and starts its driver and chromium with the
    first rendered request (stock scrapy-playwright 0.0.48 starts its driver at engine start).
``always``
    Every page request (article pages, ``/indeks`` HTML listings) is rendered from the start; JSON/XML
    endpoints (API, payload, RSS, sitemap) are fetched plainly, a browser adds nothing there.
``never``
    No browser; the plain Scrapy handler is installed. A client-rendered page yields nothing, and the log
    says so, naming the page and the ``-a render=auto`` remedy (``tempo/render/skipped``).

Rendered responses go through the same parsers as static ones. Resource hygiene: images, media, fonts,
stylesheets and every request to another origin than the page's own are aborted
(:func:`abort_request`); pages are closed after use (scrapy-playwright does it when
``playwright_include_page`` is not set); contexts and pages are bounded; the browser context is
replaced after ``TEMPO_RENDER_CONTEXT_PAGES`` pages and the old one closed once its pages are done, the
known remedy for the memory growth of long Playwright crawls (scrapy-playwright issues #126, #171,
#183; microsoft/playwright#6319: memory is released only when a context closes). Settings: the
"Rendering" block of ``settings.py``; documentation: ``docs/rendering.md``.

Modules: :mod:`.browser` (chromium lookup, settings wiring), :mod:`.shell` (is this a client-rendered
shell?), :mod:`.fallback` (which requests are rendered, and the re-request of an empty page),
:mod:`.handler` (the lazy Playwright download handler and its resource blocking).
"""
