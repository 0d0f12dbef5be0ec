-- The seen-store's tables (tempo_crawler/state/store.py; docs/cron.md). Every statement is idempotent:
-- it creates a new store and brings an older one up to date (columns added later: store.MIGRATIONS).
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    rid             INTEGER PRIMARY KEY,
    canonical_key   TEXT NOT NULL,      -- article_key of the item's canonical url (or id:<id>)
    url             TEXT,
    article_id      TEXT,
    content_hash    TEXT NOT NULL,
    content_key     TEXT,
    version         INTEGER NOT NULL,
    first_seen      TEXT NOT NULL,      -- UTC, first export
    last_seen       TEXT NOT NULL,      -- UTC, last fetch of the page (exported or found unchanged)
    revised_at      TEXT,               -- UTC, export of the latest revision (NULL for version 1)
    published_at    TEXT,
    modified_at     TEXT,
    listing_lastmod TEXT,               -- newest lastmod a listing announced when the page was fetched
    file            TEXT                -- output file holding the latest version
);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT PRIMARY KEY,
    rid INTEGER NOT NULL REFERENCES articles(rid) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS keys_rid ON keys(rid);
CREATE INDEX IF NOT EXISTS articles_article_id ON articles(article_id);
CREATE TABLE IF NOT EXISTS content_keys (
    ckey TEXT PRIMARY KEY,
    rid  INTEGER NOT NULL REFERENCES articles(rid) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    pid         INTEGER,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,          -- running | finished | killed | unpublished | write_failed
    reason      TEXT,                   -- Scrapy finish reason, or how a killed run was found
    complete    INTEGER,                -- 1: went through every listing page it should; NULL: explicit URLs only
    exported    INTEGER NOT NULL DEFAULT 0,
    file        TEXT,
    outcome     TEXT,                   -- the monitors' verdict: ok | error | blocked | layout_drift | ...
    exit_code   INTEGER,                -- the exit status `scrapy crawl world` returned (tempo_crawler.exitcodes)
    proc_start  TEXT                    -- the process's start time (/proc/<pid>/stat): pid + this = one process
);
CREATE TABLE IF NOT EXISTS coverage (   -- per listing source: did the last run page it to the usual bounds?
    source   TEXT PRIMARY KEY,
    complete INTEGER NOT NULL,
    run_id   TEXT
);
CREATE TABLE IF NOT EXISTS pending (    -- articles a run could not export (fetch failed, parser error, ...)
    key          TEXT PRIMARY KEY,      -- identity.request_key of the article's URL
    url          TEXT NOT NULL,
    source       TEXT,
    attempts     INTEGER NOT NULL,      -- failed attempts so far; retried while below TEMPO_PENDING_MAX_ATTEMPTS
    cause        TEXT,                  -- the last failure
    first_failed TEXT NOT NULL,
    last_failed  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS text_missing (   -- exported articles whose <id>.txt still has to be written
    article_id TEXT PRIMARY KEY,
    cause      TEXT
);
