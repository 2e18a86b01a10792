-- Customer documents (usage/{id}.json, tickets/{id}.json, contract/{id}.json)
-- for runtimes without an object store: Spin keeps them here. Cloudflare
-- keeps them in R2 and leaves this table empty.
CREATE TABLE IF NOT EXISTS documents (
    key  TEXT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL
);
