"""Project settings: polite defaults for the live site; tests and the demo override speed knobs."""

from tempo_crawler.exitcodes import FINISHED
from tempo_crawler.items import ARTICLE_FIELDS
from tempo_crawler.sources import NAMES as SOURCE_NAMES

BOT_NAME = "tempo_crawler"
SPIDER_MODULES = ["tempo_crawler.spiders"]
NEWSPIDER_MODULE = "tempo_crawler.spiders"
COMMANDS_MODULE = "tempo_crawler.commands"

# --- Tempo -------------------------------------------------------------------------------------
# Origin of every current-site endpoint (API, payload, RSS, sitemap, /indeks): point it at a
# mirror or the local replica (`-s TEMPO_BASE_URL=http://127.0.0.1:8765`).
TEMPO_BASE_URL = "https://www.tempo.co"
TEMPO_RUBRIC = "internasional"
TEMPO_SECTIONS = ["internasional"]            # B rubrics kept when a source lists other rubrics too
TEMPO_SOURCES = list(SOURCE_NAMES)            # every registered source (tempo_crawler/sources/)
TEMPO_LEGACY_RSS_URL = ""                     # default: rss.tempo.co/dunia (or <base>/rss/dunia off-site)
TEMPO_API_PAGE_SIZE = 20
TEMPO_MAX_LISTING_PAGES = 50
TEMPO_QUARANTINE_DIR = "output/quarantine"
TEMPO_LAYOUTS: list[str] = []                 # layouts the parsers may use (A1, A2, AMP, B); empty: all

# --- Politeness ----------------------------------------------------------------------------------
# A desktop-browser UA: the site's WAF refused a plain client (docs/site.md §10).
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
HTTPERROR_ALLOWED_CODES: list[int] = []

# --- Pipelines and output ------------------------------------------------------------------------
ITEM_PIPELINES = {
    "tempo_crawler.pipelines.clean.CleanPipeline": 100,
    "tempo_crawler.pipelines.normalise.NormalisePipeline": 200,
    "tempo_crawler.pipelines.validate.ValidatePipeline": 300,
    "tempo_crawler.pipelines.dedupe.DedupePipeline": 400,
}
# `scrapy crawl world` with no -o/-O writes one JSON Lines file per run, exactly once against the
# seen-store: TEMPO_OUTPUT and the pipeline at 800 in "Cron state" below. -o/-O (FEEDS) work as in any
# Scrapy project and make the run a stateless one-off export (docs/cron.md).
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = False   # a run with nothing new writes no empty file (only its history line and report)

# --- Scrapy housekeeping ---------------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0                       # the progress line (tempo_crawler/monitors/progress.py)
STATS_DUMP = False                             # the full stats: DEBUG log and TEMPO_STATS_FILE; a summary at INFO
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy (2.19, asyncio reactor) starts CONCURRENT_ITEMS + 1 tasks for the output of every response. An article
# page yields one item, a listing page requests only: 16 instead of the default 100 costs nothing in parallelism
# and saves ~0.8 ms of CPU per article page (issue 14, benchmarks/crawl_throughput.py).
CONCURRENT_ITEMS = 16

EXTENSIONS = {
    "tempo_crawler.extensions.StatsFile": 900,
}
TEMPO_STATS_FILE = ""                          # write the run's stats as JSON here at close

# --- Exports (issue 4; docs/exports.md) ---------------------------------------------------------------
ITEM_PIPELINES["tempo_crawler.pipelines.schema.SchemaValidationPipeline"] = 350  # unless TEMPO_VALIDATE_SCHEMA is off
ITEM_PIPELINES["tempo_crawler.exporters.text_form.TextFormPipeline"] = 850       # <id>.txt like the samples
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)     # stable, documented column/key order for every feed format
FEED_EXPORTERS = {"csv": "tempo_crawler.exporters.csv_export.TempoCsvItemExporter"}
EXTENSIONS["tempo_crawler.exporters.latest.LatestManifest"] = 950                # output/latest.json
TEMPO_TEXT_DIR = "output/text/"
TEMPO_VALIDATE_SCHEMA = True           # every item checked against the published schema (issue 11)
# --- end of Exports ----------------------------------------------------------------------------------

# --- Rendering (issue 5) -------------------------------------------------------------------------
# JavaScript rendering with scrapy-playwright and Debian's chromium, only where needed
# (tempo_crawler/render.py, docs/rendering.md). `-a render=auto|always|never` (default: TEMPO_RENDER).
# The handler below starts Playwright and chromium only when a request asks for rendering;
# render=never swaps in Scrapy's plain handler. chromium: TEMPO_CHROMIUM_PATH (setting or environment
# variable), else /usr/lib/chromium/chromium, else `chromium` on PATH (`apt-get install chromium`).
TEMPO_RENDER = "auto"
TEMPO_CHROMIUM_PATH = ""
TEMPO_RENDER_WAIT_TIMEOUT = 10.0              # s to wait for content inserted after load; then passed on as is
TEMPO_RENDER_CONTEXT_PAGES = 100              # pages per browser context before it is replaced and closed
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "tempo_crawler.render.handler.RenderHandler",
    "https": "tempo_crawler.render.handler.RenderHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {"headless": True}   # executable_path is filled in at start (render.configure)
PLAYWRIGHT_ABORT_REQUEST = "tempo_crawler.render.handler.abort_request"   # images/media/fonts/CSS, other origins
PLAYWRIGHT_MAX_CONTEXTS = 2                   # safety bound; rotation keeps one context open at a time
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4          # ≈ the best rendering concurrency on 2 cores (environment.md §3)
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30000  # ms
# --- end of Rendering (issue 5) -------------------------------------------------------------------

# --- Cron state (issue 3) ------------------------------------------------------------------------
# The run lifecycle (tempo_crawler/state/run.py: lock, store, recovery), cross-run dedupe
# (pipelines/dedupe.py) and the exactly-once writer (exporters/jsonl.py); docs/cron.md. Spider arguments
# `-a reset=1` and `-a full=1`: tempo_crawler/arguments.py.
TEMPO_STATE_PATH = "output/state/world.sqlite"   # the seen-store; the run lock is held on this file
TEMPO_STATE_MODE = "auto"            # auto: state unless -o/-O/FEEDS are given; on: always; off: never
TEMPO_OUTPUT = "output/%(name)s-%(run_stamp)s.jsonl"   # the run's file (written as <file>.part, renamed at close)
TEMPO_REFETCH_WINDOW_HOURS = 48.0    # stored articles this fresh are fetched again to catch edits
TEMPO_EXPORT_SYNC_ITEMS = 100        # fsync the file + commit the store every N lines… (docs/cron.md)
TEMPO_EXPORT_SYNC_SECONDS = 1.0      # …or when the oldest unsynced line is this old
TEMPO_LOCK_WAIT_SECONDS = 0.0        # wait this long for a previous run's lock before giving up
TEMPO_LOCK_BUSY_EXIT = 0             # exit status of a run skipped because a previous one is still active
ITEM_PIPELINES["tempo_crawler.pipelines.dedupe.StoreDedupePipeline"] = 700
ITEM_PIPELINES["tempo_crawler.exporters.jsonl.JsonLinesExportPipeline"] = 800
EXTENSIONS["tempo_crawler.state.run.RunLifecycle"] = 500
SPIDER_MIDDLEWARES = {"tempo_crawler.state.notes.FetchNotesMiddleware": 900}
# --- end of Cron state (issue 3) -----------------------------------------------------------------

# --- Archive (issue 12) --------------------------------------------------------------------------
# Every article and listing response, as downloaded, in WARC (tempo_crawler/archive/, docs/archive.md);
# `scrapy reparse` re-extracts from it without a request. Rolling files <spider>-<UTC day>-<n>.warc.gz.
TEMPO_ARCHIVE_ENABLED = True
TEMPO_ARCHIVE_DIR = "output/archive"
TEMPO_ARCHIVE_MAX_FILE_BYTES = 1_000_000_000   # a file is closed and the next one started past this size
TEMPO_ARCHIVE_RETENTION_DAYS = 0               # closed files older than this are removed at start; 0: keep all
TEMPO_ARCHIVE_MAX_RECORD_BYTES = 32 << 20      # a larger response is not archived (counted, logged)
DOWNLOADER_MIDDLEWARES = {"tempo_crawler.archive.middleware.ArchiveMiddleware": 950}
# --- end of Archive (issue 12) -------------------------------------------------------------------

# --- Monitors (issue 10) -------------------------------------------------------------------------
# Every run ends with Spidermon monitors (tempo_crawler/monitors/checks.py, quality.py); the worst failure sets the exit
# status of `scrapy crawl world` (tempo_crawler/exitcodes.py, README "Exit status"). Each run appends one
# line of key figures to history.jsonl and writes report-<UTC>.html + report-latest.html, both in the folder
# of TEMPO_OUTPUT unless set below. Thresholds (README "Monitors" says why each value):
TEMPO_MONITOR_MAX_FAILED_SHARE = 0.0       # failed article/listing requests ÷ requests answered or failed → 6
TEMPO_MONITOR_MAX_ERRORS = 0               # ERROR log lines beyond those of failed requests → 1
TEMPO_MONITOR_MAX_BLOCKED_SHARE = 0.2      # responses 403/429/challenge ÷ all responses → 3
TEMPO_MONITOR_DISCOVERY_MIN_RATIO = 0.5    # articles discovered ≥ this × median of recent healthy runs → 5
TEMPO_MONITOR_FILL_RATES = {               # share of exported items with the field filled, at least → 5
    "title": 0.99, "body": 0.99, "published_at": 0.99, "image_url": 0.8, "reporters_or_editors": 0.4,
    "image_caption": 0.2, "dateline": 0.4, "tags": 0.4,
}
TEMPO_MONITOR_FILL_MIN_ITEMS = 10          # fewer exported items: fill rates are not judged
TEMPO_MONITOR_FILL_MAX_DROP = 0.25         # a fill rate this far below its median over recent runs → 5
TEMPO_MONITOR_MAX_UNREAD_SHARE = 0.05      # article pages quarantined or read only from JSON-LD ÷ pages → 5
TEMPO_MONITOR_CANARY_MIN_F1 = 0.8          # median token F1, JSON-LD articleBody vs DOM body, at least → 4
TEMPO_MONITOR_CANARY_MIN_PAGES = 3         # fewer pages with a JSON-LD articleBody: the canary is not judged
TEMPO_MONITOR_LAYOUT_MIN_PAGES = 10        # fewer pages: the dominant layout is not compared → 4
TEMPO_MONITOR_HISTORY_RUNS = 10            # recent healthy runs of the same kind a run is compared with
TEMPO_MONITOR_MIN_HISTORY = 3              # fewer such runs: comparisons with history are skipped
TEMPO_HISTORY_FILE = ""                    # default: history.jsonl in the folder of TEMPO_OUTPUT
TEMPO_REPORT_ENABLED = True
TEMPO_REPORT_DIR = ""                      # default: the folder of TEMPO_OUTPUT
TEMPO_REPORT_HISTORY_RUNS = 60             # recent runs plotted in the report
SPIDERMON_ENABLED = True                   # False: no monitors, history or report (exit status: fetched anything)
SPIDERMON_ADD_FIELD_COVERAGE = True        # Spidermon counts filled fields per exported item…
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True  # …not counting None (its default counts None as filled)
SPIDERMON_EXPECTED_FINISH_REASONS = list(FINISHED)   # any other (shutdown: a signal; an error) → 1
EXTENSIONS["tempo_crawler.monitors.extension.RunMonitors"] = 450   # before RunLifecycle, latest.json, stats file
EXTENSIONS["scrapy.extensions.logstats.LogStats"] = None
EXTENSIONS["tempo_crawler.monitors.progress.Progress"] = 0
# --- end of Monitors (issue 10) ------------------------------------------------------------------
# --- Blocking and the 2026 site (issue 9; docs/site.md §10) --------------------------------------
# WAF challenge pages (Cloudflare "Just a moment...", cf-mitigated, 403/429/503 block pages) are recognised at
# 585, after decompression (590) and before the retry middleware (550): counted per host (tempo/blocked/<host>),
# never retried, parsed or quarantined (the archive, at 950, still keeps them as downloaded). A run with
# more than TEMPO_MONITOR_MAX_BLOCKED_SHARE of its responses so answered exits with status 3 (the Blocked
# monitor; tempo_crawler/exitcodes.py). On a blocked network, Scrapy's HttpProxyMiddleware reads HTTPS_PROXY /
# https_proxy / http_proxy from the environment (README).
DOWNLOADER_MIDDLEWARES["tempo_crawler.blocking.ChallengeMiddleware"] = 585
# --- end of Blocking -----------------------------------------------------------------------------

# --- Bounds and confinement (issue 11; tempo_crawler/hosts.py, tempo_crawler/limits.py) ------------------
# One allow-list for every request, redirect and discovered link: tempo.co and its subdomains, and the host
# and port of TEMPO_BASE_URL; http/https only. Scrapy's offsite and redirect middlewares, with that policy.
DOWNLOADER_MIDDLEWARES.update({
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "tempo_crawler.hosts.ConfinementMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "tempo_crawler.hosts.ConfinedMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "tempo_crawler.hosts.ConfinedRedirectMiddleware": 600,
})
TEMPO_ALLOWED_ORIGINS: list[str] = []  # more origins (scheme://host:port) to allow; scrapy reparse sets its archive's
DOWNLOAD_HANDLERS.update({"file": None, "data": None, "ftp": None, "s3": None})  # never read a local file
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024     # bigger responses are cancelled (article pages: limits.MAX_PAGE_BYTES)
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
ITEM_PIPELINES["tempo_crawler.pipelines.bounds.BoundsPipeline"] = 50           # field limits, before clean
# --- end of Bounds and confinement ---------------------------------------------------------------------
# --- Command line (issue 13) ---------------------------------------------------------------------
# Every TEMPO_* setting is declared and checked in tempo_crawler/config.py (a bad value or an unknown
# name is a usage error: one line, exit status 2). Network failures and robots.txt fetch failures are
# logged as one WARNING line with host and cause (tracebacks only with LOG_LEVEL=DEBUG).
EXTENSIONS["tempo_crawler.logfilter.ReadableNetworkErrors"] = 0
# `scrapy check`: one check per layout and per source, against TEMPO_BASE_URL (tempo_crawler/contracts.py).
SPIDER_CONTRACTS = {
    "tempo_crawler.contracts.TempoUrlContract": 10,
    "tempo_crawler.contracts.SourceContract": 10,
    "tempo_crawler.contracts.LayoutContract": 10,
    "tempo_crawler.contracts.ExportsContract": 10,
    "tempo_crawler.contracts.ListsContract": 10,
}
# --- end of Command line (issue 13) --------------------------------------------------------------

# --- Reliability: pending articles, retries, failed writes (issue 11) --------------------------------
# An article a run could not export stays pending in the store and is fetched again by later runs
# (tempo_crawler/state/pending.py, docs/cron.md "What happens when…"), until it failed this many times.
TEMPO_PENDING_MAX_ATTEMPTS = 5
TEMPO_RETRY_AFTER_MAX = 60.0         # s: cap on the wait a 429/503 asks for with Retry-After (tempo_crawler/retry.py)
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"    # the spider logs each failed request once, with its cause (responses.py)
DOWNLOADER_MIDDLEWARES.update({"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                               "tempo_crawler.retry.RetryAfterMiddleware": 550})
# --- end of Reliability (issue 11) ---------------------------------------------------------------------

# --- Distributed runs (issue 15) ------------------------------------------------------------------
# `-s TEMPO_REDIS_URL=redis://[:password@]host:port/db` (or that environment variable) makes `scrapy crawl
# world` a worker of a run shared by many processes and machines: scrapy-redis queue, seen-store, claims
# and politeness budget in Redis (tempo_crawler/distributed/, docs/distributed.md). Empty: one machine,
# nothing imports Redis. `-a worker=NAME`, `-a role=auto|seed|worker`: tempo_crawler/arguments.py.
ADDONS = {"tempo_crawler.distributed.addon.Distributed": 0}
TEMPO_REDIS_URL = ""
TEMPO_REDIS_PREFIX = "tempo:%(spider)s:"     # every key but scrapy-redis' <spider>:requests / :dupefilter
TEMPO_REDIS_IDLE_S = 10.0            # a worker stops once the shared queue stayed empty this long
TEMPO_REDIS_LEASE_S = 30.0           # a dead worker's claimed articles go back to the queue after this
TEMPO_REDIS_CYCLE_S = 60.0           # -a role=auto discovers at most once per this many seconds
TEMPO_REDIS_RATE = None              # requests/s per host, all workers together; None: 1/DOWNLOAD_DELAY; 0: off
TEMPO_REDIS_BURST = 1                # requests a host may get back to back after a quiet spell
TEMPO_REDIS_TICK_S = 0.5             # how often an idle worker looks at the shared queue
# --- end of Distributed runs (issue 15) -----------------------------------------------------------
