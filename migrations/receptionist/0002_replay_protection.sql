-- Signed calls already accepted (authenticated chat clients), as in every product
-- that takes signed calls: the primary key makes a replay fail to insert.
CREATE TABLE IF NOT EXISTS seen_calls (
    signature  TEXT    NOT NULL PRIMARY KEY,
    client     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS seen_calls_expires_at ON seen_calls (expires_at);
