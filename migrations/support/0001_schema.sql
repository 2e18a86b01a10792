-- The support product's own database. Times are Unix milliseconds (UTC);
-- the API writes them as ISO 8601. Every statement is idempotent, so Spin's
-- `--sqlite @file` may run it on every start.

CREATE TABLE IF NOT EXISTS customers (
    id               TEXT    NOT NULL PRIMARY KEY,
    email            TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    lifetime_value   REAL    NOT NULL DEFAULT 0 CHECK (lifetime_value >= 0),
    total_orders     INTEGER NOT NULL DEFAULT 0 CHECK (total_orders >= 0),
    churn_risk_score REAL    NOT NULL DEFAULT 0 CHECK (churn_risk_score BETWEEN 0 AND 1)
);

CREATE TABLE IF NOT EXISTS tickets (
    id                   TEXT    NOT NULL PRIMARY KEY,
    customer_id          TEXT    NOT NULL REFERENCES customers (id),
    subject              TEXT    NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'in_progress', 'pending', 'resolved', 'closed')),
    priority             TEXT    NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel              TEXT    NOT NULL
        CHECK (channel IN ('email', 'chat', 'phone', 'sms', 'form')),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    customer_sentiment   REAL    NOT NULL DEFAULT 0.5 CHECK (customer_sentiment BETWEEN 0 AND 1),
    -- The part of the smart score that does not move with time (priority,
    -- sentiment, customer value, churn risk): the inbox's index key. Wait
    -- time, SLA urgency and topic alerts are added at read time.
    smart_score          REAL    NOT NULL DEFAULT 0,
    estimated_difficulty REAL    NOT NULL DEFAULT 0.5 CHECK (estimated_difficulty BETWEEN 0 AND 1)
);
-- The inbox reads tickets (of one status or channel) in stored-score order.
CREATE INDEX IF NOT EXISTS tickets_status ON tickets (status, smart_score, id);
CREATE INDEX IF NOT EXISTS tickets_channel ON tickets (channel, smart_score, id);
CREATE INDEX IF NOT EXISTS tickets_smart_score ON tickets (smart_score, id);
CREATE INDEX IF NOT EXISTS tickets_created_at ON tickets (created_at);
CREATE INDEX IF NOT EXISTS tickets_customer ON tickets (customer_id);

CREATE TABLE IF NOT EXISTS agents (
    id                          TEXT    NOT NULL PRIMARY KEY,
    email                       TEXT    NOT NULL UNIQUE,
    hashed_password             TEXT    NOT NULL,
    name                        TEXT    NOT NULL,
    role                        TEXT    NOT NULL DEFAULT 'agent'
        CHECK (role IN ('agent', 'senior_agent', 'team_lead', 'manager', 'admin')),
    status                      TEXT    NOT NULL DEFAULT 'offline'
        CHECK (status IN ('online', 'away', 'busy', 'offline')),
    department                  TEXT,
    -- A JSON array of strings.
    specializations             TEXT    NOT NULL DEFAULT '[]',
    max_concurrent_tickets      INTEGER NOT NULL DEFAULT 10 CHECK (max_concurrent_tickets > 0),
    tickets_resolved_today      INTEGER NOT NULL DEFAULT 0,
    avg_response_time_seconds   REAL,
    customer_satisfaction_score REAL CHECK (customer_satisfaction_score BETWEEN 0 AND 5),
    created_at                  INTEGER NOT NULL,
    last_login_at               INTEGER
);
CREATE INDEX IF NOT EXISTS agents_department ON agents (department);

CREATE TABLE IF NOT EXISTS messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    ticket_id       TEXT    NOT NULL REFERENCES tickets (id),
    from_agent      INTEGER NOT NULL CHECK (from_agent IN (0, 1)),
    -- The agent who wrote it, for agent messages: who may edit it.
    agent_id        TEXT,
    content         TEXT    NOT NULL,
    from_name       TEXT,
    from_email      TEXT,
    created_at      INTEGER NOT NULL,
    sentiment_score REAL,
    detected_intent TEXT
);
CREATE INDEX IF NOT EXISTS messages_ticket ON messages (ticket_id, created_at);

CREATE TABLE IF NOT EXISTS ticket_assignments (
    id                       TEXT    NOT NULL PRIMARY KEY,
    ticket_id                TEXT    NOT NULL REFERENCES tickets (id),
    agent_id                 TEXT    NOT NULL REFERENCES agents (id),
    status                   TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'in_progress', 'completed')),
    reason                   TEXT    NOT NULL DEFAULT 'manual'
        CHECK (reason IN ('manual', 'auto_route', 'escalation', 'transfer')),
    assigned_at              INTEGER NOT NULL,
    accepted_at              INTEGER,
    completed_at             INTEGER,
    previous_agent_id        TEXT,
    transfer_reason          TEXT,
    time_to_accept_seconds   INTEGER,
    time_to_complete_seconds INTEGER,
    is_active                INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
);
-- At most one active assignment per ticket, whatever writes it.
CREATE UNIQUE INDEX IF NOT EXISTS ticket_assignments_one_active
    ON ticket_assignments (ticket_id) WHERE is_active = 1;
CREATE INDEX IF NOT EXISTS ticket_assignments_agent
    ON ticket_assignments (agent_id, is_active);

CREATE TABLE IF NOT EXISTS sla_policies (
    id                            INTEGER NOT NULL PRIMARY KEY,
    priority                      TEXT    NOT NULL UNIQUE
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    first_response_target_seconds INTEGER NOT NULL CHECK (first_response_target_seconds > 0),
    resolution_target_seconds     INTEGER NOT NULL CHECK (resolution_target_seconds > 0),
    warning_threshold_percent     INTEGER NOT NULL DEFAULT 80
        CHECK (warning_threshold_percent BETWEEN 1 AND 100),
    business_hours_only           INTEGER NOT NULL DEFAULT 0 CHECK (business_hours_only IN (0, 1))
);
INSERT OR IGNORE INTO sla_policies
    (id, priority, first_response_target_seconds, resolution_target_seconds)
VALUES
    (1, 'low', 86400, 604800),
    (2, 'normal', 28800, 172800),
    (3, 'high', 7200, 86400),
    (4, 'urgent', 1800, 28800);

-- The team's business hours: one calendar. `week` is a JSON array of seven
-- arrays (Monday first) of [start, end] seconds after local midnight;
-- `holidays` a JSON array of YYYY-MM-DD dates.
CREATE TABLE IF NOT EXISTS business_hours (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    time_zone  TEXT    NOT NULL,
    week       TEXT    NOT NULL,
    holidays   TEXT    NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL
);
INSERT OR IGNORE INTO business_hours (id, time_zone, week, holidays, updated_at)
VALUES (1, 'UTC',
    '[[[32400,61200]],[[32400,61200]],[[32400,61200]],[[32400,61200]],[[32400,61200]],[],[]]',
    '[]', 0);

-- One row per ticket: its three clocks. Each clock keeps its start, target,
-- counted paused seconds and when it was satisfied; due/warn are the
-- deadlines as of the last write, so the inbox and the sweep can use
-- indexes. Statuses on the wire are computed at read time.
CREATE TABLE IF NOT EXISTS sla_tracking (
    ticket_id                TEXT    NOT NULL PRIMARY KEY REFERENCES tickets (id),
    business_hours           INTEGER NOT NULL DEFAULT 0,
    warning_percent          INTEGER NOT NULL DEFAULT 80,
    first_response_status    TEXT    NOT NULL DEFAULT 'pending',
    first_response_target    INTEGER NOT NULL,
    first_response_paused    INTEGER NOT NULL DEFAULT 0,
    first_response_due_at    INTEGER,
    first_response_warn_at   INTEGER,
    first_response_at        INTEGER,
    next_response_status     TEXT,
    next_response_started_at INTEGER,
    next_response_paused     INTEGER NOT NULL DEFAULT 0,
    next_response_due_at     INTEGER,
    next_response_warn_at    INTEGER,
    next_response_at         INTEGER,
    resolution_status        TEXT    NOT NULL DEFAULT 'pending',
    resolution_target        INTEGER NOT NULL,
    resolution_paused        INTEGER NOT NULL DEFAULT 0,
    resolution_due_at        INTEGER,
    resolution_warn_at       INTEGER,
    resolved_at              INTEGER,
    is_paused                INTEGER NOT NULL DEFAULT 0,
    paused_at                INTEGER,
    total_paused_seconds     INTEGER NOT NULL DEFAULT 0,
    created_at               INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sla_tracking_first_response_due ON sla_tracking (first_response_due_at);
CREATE INDEX IF NOT EXISTS sla_tracking_resolution_due ON sla_tracking (resolution_due_at);
CREATE INDEX IF NOT EXISTS sla_tracking_next_response_due ON sla_tracking (next_response_due_at);

-- at_risk, breached and met, once per clock run: the unique key makes a
-- second sweep (or a racing request) insert nothing.
CREATE TABLE IF NOT EXISTS sla_events (
    ticket_id  TEXT    NOT NULL REFERENCES tickets (id),
    clock      TEXT    NOT NULL CHECK (clock IN ('first_response', 'next_response', 'resolution')),
    started_at INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('at_risk', 'breached', 'met')),
    at         INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, clock, started_at, kind)
);

-- Tokens logged out before they expire.
CREATE TABLE IF NOT EXISTS revoked_tokens (
    jti        TEXT    NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS revoked_tokens_expires_at ON revoked_tokens (expires_at);

-- Failed logins per email (lowercased), for throttling.
CREATE TABLE IF NOT EXISTS login_failures (
    email TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_email ON login_failures (email, at);
