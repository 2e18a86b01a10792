-- Signed tool calls already accepted, kept until their timestamp leaves the
-- five-minute acceptance window. The primary key makes a replay fail to
-- insert, atomically, in D1 and Spin SQLite alike.
CREATE TABLE IF NOT EXISTS seen_calls (
    signature  TEXT    NOT NULL PRIMARY KEY,
    client     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS seen_calls_expires_at ON seen_calls (expires_at);
