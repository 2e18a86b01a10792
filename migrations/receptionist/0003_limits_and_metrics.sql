-- Rate-limit buckets (Spin SQLite; the Worker keeps each bucket in a
-- Durable Object instead) and the counters behind /metrics, aggregated
-- here so that they survive instances and edge locations. Idempotent:
-- Spin runs every file on each start.

-- One token bucket per route group and client: see the kernel's `buckets`.
CREATE TABLE IF NOT EXISTS rate_buckets (
    key     TEXT    NOT NULL PRIMARY KEY,
    units   INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL,
    allowed INTEGER NOT NULL
);

-- Requests answered, by route group and status class ("2xx"), and the
-- milliseconds they took in all.
CREATE TABLE IF NOT EXISTS request_metrics (
    route_group     TEXT    NOT NULL,
    status_class    TEXT    NOT NULL,
    requests        INTEGER NOT NULL,
    duration_ms_sum INTEGER NOT NULL,
    PRIMARY KEY (route_group, status_class)
);

-- The latency histogram: requests per bucket (not cumulative), each named
-- by its upper bound in milliseconds, -1 past the last bound.
CREATE TABLE IF NOT EXISTS request_latency (
    route_group  TEXT    NOT NULL,
    status_class TEXT    NOT NULL,
    le_ms        INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (route_group, status_class, le_ms)
);

-- Requests the rate limiter refused, by route group and the business the
-- request named ('unknown' when it named none that exists).
CREATE TABLE IF NOT EXISTS rate_limit_blocks (
    route_group TEXT    NOT NULL,
    business_id TEXT    NOT NULL,
    blocks      INTEGER NOT NULL,
    PRIMARY KEY (route_group, business_id)
);
