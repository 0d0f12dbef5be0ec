"""Size limits: the one place that says how much of a page, a field or a list the crawler accepts.

Work per page is bounded by these and by linear-time text handling (no pattern that backtracks over
unbounded input): a page larger than :data:`MAX_PAGE_BYTES`, or whose tree has more than
:data:`MAX_ELEMENTS` elements or is nested deeper than :data:`MAX_DEPTH`, is not parsed but quarantined,
``DOWNLOAD_MAXSIZE`` (settings) cancels bigger downloads, and the bounds pipeline
(:mod:`tempo_crawler.pipelines.bounds`) applies the field limits to every item, counting each cut in
``tempo/limits/<field>``. The limits are far above anything a real article has.
"""

from __future__ import annotations

MAX_PAGE_BYTES = 5_000_000   # HTML parsed per article page
MAX_ARTICLE_PAGES = 50       # pages of one multi-page article (``?page_num=N``) followed
MAX_ELEMENTS = 30_000        # elements of one page's tree (article pages have a few thousand)
MAX_DEPTH = 200              # nesting depth of one page's tree (article pages: a few dozen)
MAX_TITLE = 1_000            # title
MAX_TEXT = 10_000            # lead, image caption, section, dateline, agency, link titles, related texts
MAX_NAME = 200               # one reporter, editor or tag
MAX_URL = 2_048              # any URL field
MAX_DATE_TEXT = 200          # a longer "date" is not a date (and dateparser is slow on long input)
MAX_PARAGRAPH = 50_000       # one body paragraph
MAX_PARAGRAPHS = 2_000       # body paragraphs of one article (more: the item is dropped, not cut)
MAX_LIST = 200               # reporters, editors, tags, read_also, related

# Scalar text fields of an item and their limits (URL fields: MAX_URL; dates: MAX_DATE_TEXT).
TEXT_FIELDS = {"title": MAX_TITLE, "lead": MAX_TEXT, "section": MAX_TEXT, "dateline": MAX_TEXT,
               "image_caption": MAX_TEXT, "agency": MAX_TEXT}
URL_FIELDS = ("url", "image_url")
DATE_FIELDS = ("published_at", "modified_at", "crawled_at")
NAME_LISTS = ("reporters", "editors", "tags")
