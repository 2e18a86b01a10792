-- The realtime coach: every turn of a practice session, and each reply's
-- run through the pipeline with its events, for the organisation's admins.

CREATE TABLE IF NOT EXISTS interactions (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    session_id TEXT NOT NULL REFERENCES practice_sessions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    -- text or voice for the rep's turns; null for the coach's.
    input_type TEXT CHECK (input_type IN ('text', 'voice')),
    content TEXT NOT NULL,
    pipeline_run_id TEXT,
    -- Unix milliseconds, for ordering turns written in the same second.
    at_ms INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_by_session ON interactions (session_id, at_ms, id);

CREATE TABLE IF NOT EXISTS pipeline_runs (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    session_id TEXT,
    request_id TEXT,
    -- chat or voice.
    service TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'canceled', 'blocked')),
    provider TEXT,
    model TEXT,
    -- Why the stub answered, when it did.
    stub_reason TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    ttft_ms INTEGER,
    total_latency_ms INTEGER,
    -- [{name, status, ms, detail?}] in the order the stages ran.
    stages TEXT,
    error TEXT,
    -- Set by a cancel from any connection; the reply stops at its next token.
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_org ON pipeline_runs (organization_id, created_ms);
CREATE INDEX IF NOT EXISTS runs_by_user ON pipeline_runs (user_id, created_ms);

CREATE TABLE IF NOT EXISTS pipeline_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    data TEXT
);
CREATE INDEX IF NOT EXISTS events_by_run ON pipeline_events (pipeline_run_id, id);
