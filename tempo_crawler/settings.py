"""Project settings: polite defaults for the live site; tests and the demo override speed knobs."""

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
TEMPO_SOURCES = ["api", "payload", "rss", "rss_legacy", "sitemap", "indeks"]
TEMPO_LEGACY_RSS_URL = ""                     # default: rss.tempo.co/dunia (or <base>/rss/dunia off-site)
TEMPO_API_PAGE_SIZE = 20
TEMPO_MAX_LISTING_PAGES = 50
TEMPO_QUARANTINE_DIR = "output/quarantine"

# --- Politeness ----------------------------------------------------------------------------------
# A desktop-browser UA: the site's WAF refused a plain client (MARKUP.md §10).
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
# `scrapy crawl world` with no -o/-O writes one JSON Lines file per run; -O replaces this.
FEEDS = {
    "output/%(name)s-%(run_stamp)s.jsonl": {"format": "jsonlines", "encoding": "utf-8"},
}
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = True

# --- Scrapy housekeeping ---------------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

EXTENSIONS = {
    "tempo_crawler.extensions.StatsFile": 900,
}
TEMPO_STATS_FILE = ""                          # write the run's stats as JSON here at close
