-- The sales data pipeline's database. Idempotent: Spin runs every file on
-- each start.

-- API keys, stored as the SHA-256 of the key; the key itself is shown once.
CREATE TABLE IF NOT EXISTS api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    key_hash   TEXT    NOT NULL UNIQUE,
    role       TEXT    NOT NULL CHECK (role IN ('uploader', 'analyst', 'admin')),
    label      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- The company's stores: the analysis of a day waits for every active one.
CREATE TABLE IF NOT EXISTS stores (
    store_id   TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    timezone   TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The latest upload of each store's day. `version` grows with every
-- upload, and processing writes only while its version is the latest, so
-- an older upload finishing late never overwrites a newer one.
CREATE TABLE IF NOT EXISTS uploads (
    date         TEXT    NOT NULL,
    store_id     TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'processing', 'processed', 'failed')),
    size         INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    processed_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    transactions INTEGER,
    -- JSON array of {path, message}: the first 100 errors.
    errors       TEXT,
    error_count  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (date, store_id)
);

-- A store's metrics for a day (money unrounded; the API rounds it). A row
-- here means the store has reported for that day.
CREATE TABLE IF NOT EXISTS store_metrics (
    date         TEXT    NOT NULL,
    store_id     TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    revenue      REAL    NOT NULL,
    transactions INTEGER NOT NULL,
    items_sold   REAL    NOT NULL,
    avg_basket   REAL    NOT NULL,
    discounts    REAL    NOT NULL,
    payment_mix  TEXT    NOT NULL,
    hourly       TEXT    NOT NULL,
    top_products TEXT    NOT NULL,
    computed_at  INTEGER NOT NULL,
    PRIMARY KEY (date, store_id)
);
CREATE INDEX IF NOT EXISTS store_metrics_by_store ON store_metrics (store_id, date);

-- Each product's day in each store, for the product metrics and anomalies.
CREATE TABLE IF NOT EXISTS product_sales (
    date     TEXT NOT NULL,
    store_id TEXT NOT NULL,
    sku      TEXT NOT NULL,
    name     TEXT NOT NULL,
    category TEXT NOT NULL,
    units    REAL NOT NULL,
    revenue  REAL NOT NULL,
    PRIMARY KEY (date, store_id, sku)
);
CREATE INDEX IF NOT EXISTS product_sales_by_sku ON product_sales (sku, date);

-- Every object the pipeline has written (raw uploads, processed files,
-- exports), for listings by day, store and kind.
CREATE TABLE IF NOT EXISTS files (
    key          TEXT    NOT NULL PRIMARY KEY,
    area         TEXT    NOT NULL CHECK (area IN ('raw', 'processed', 'exports')),
    date         TEXT    NOT NULL,
    store_id     TEXT,
    size         INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    written_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_date ON files (date, key);
CREATE INDEX IF NOT EXISTS files_by_store ON files (store_id, date);

-- Objects, for runtimes without an object store: Spin keeps them here.
-- Cloudflare keeps them in R2 and leaves this table empty.
CREATE TABLE IF NOT EXISTS documents (
    key          TEXT    NOT NULL PRIMARY KEY,
    body         BLOB    NOT NULL,
    content_type TEXT    NOT NULL DEFAULT 'application/octet-stream',
    uploaded_at  INTEGER NOT NULL DEFAULT 0
);

-- One analysis run per day: created once (the primary key decides among
-- simultaneous starters), worked under a lease.
CREATE TABLE IF NOT EXISTS analysis_runs (
    date            TEXT    NOT NULL PRIMARY KEY,
    trigger         TEXT    NOT NULL CHECK (trigger IN ('all_stores', 'schedule', 'manual')),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    reported_stores TEXT    NOT NULL,
    missing_stores  TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER,
    lease_until     INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           TEXT
);

-- Each step of a run: its status, timing and output (JSON), so a failed
-- step is retried alone and a completed one is never redone.
CREATE TABLE IF NOT EXISTS analysis_steps (
    date        TEXT    NOT NULL,
    step        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at  INTEGER,
    finished_at INTEGER,
    duration_ms INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    output      TEXT,
    error       TEXT,
    PRIMARY KEY (date, step)
);
