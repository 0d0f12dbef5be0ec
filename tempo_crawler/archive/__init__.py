"""Every article and listing page the crawl fetches, kept in WARC (ISO 28500) through ``warcio``, so a parser
fix can be applied to pages already fetched without a single request (``scrapy reparse``). docs/archive.md.

* :mod:`.writer` — rolling ``<spider>-<UTC day>-<n>.warc.gz`` files, one gzip member per record, written as
  ``….warc.gz.open`` under an ``flock`` and renamed when closed.
* :mod:`.reader` — gzip members of a file, each a WARC record, and what cannot be read (file, offset).
* :mod:`.index` — the archive's captures and quarantine marks; the reparse selection; the replay lookup.
* :mod:`.repair` — ``.open`` files left by killed writers: a torn last record cut, the file closed.
* :mod:`.retention` — closed files older than ``TEMPO_ARCHIVE_RETENTION_DAYS`` removed.
* :mod:`.revisits` — revisit candidates (the responses of each file by URL, status, rendered) in a small SQLite
  index next to the files, so no run reads a WARC file to find them.
* :mod:`.middleware` — the downloader middleware that archives responses as they are downloaded.
* :mod:`.replay` — the downloader middleware that serves ``scrapy reparse`` from the archive, and only from it.
"""

from __future__ import annotations

CLOSED = ".warc.gz"
OPEN = ".warc.gz.open"

# The project's named fields in the WARC record header (ISO 28500 allows extension fields; readers that do not
# know them ignore them).
KIND = "Tempo-Kind"               # article | listing | page (what the spider asked the request for)
SOURCE = "Tempo-Source"           # the discovery source that listed it (explicit: a URL given to the run)
RENDERED = "Tempo-Rendered"       # "true": the payload is the browser-rendered DOM, not the server's bytes
FINAL_URI = "Tempo-Final-URI"     # a rendered page whose browser ended on another URL
RUN = "Tempo-Run"                 # the run stamp of the crawl that fetched it
QUARANTINE = "Tempo-Quarantine"   # on a metadata record: why the page it refers to was quarantined

# Request meta: where the response of this request was archived ({"record_id", "file", "offset"}), and when
# it was fetched (a datetime, the record's WARC-Date: the parsers' fetch time, in a crawl and in a reparse).
META = "tempo_archive"
FETCHED_AT = "tempo_fetched_at"
