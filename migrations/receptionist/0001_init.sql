-- The receptionist product's own database. Instants are Unix milliseconds
-- (UTC); each business reads them in its own time zone. Every statement is
-- idempotent, so Spin's `--sqlite @file` may run it on every start.

CREATE TABLE IF NOT EXISTS businesses (
    id                   TEXT    NOT NULL PRIMARY KEY,
    name                 TEXT    NOT NULL,
    -- An IANA name ("America/Chicago") or a fixed offset ("-06:00").
    time_zone            TEXT    NOT NULL DEFAULT 'UTC',
    -- JSON: {"mon": [["09:00", "17:00"]], ...}; a missing day is closed.
    hours                TEXT    NOT NULL DEFAULT '{}',
    -- JSON array of local dates closed all day: ["2026-12-25"].
    holidays             TEXT    NOT NULL DEFAULT '[]',
    address              TEXT,
    phone                TEXT,
    -- Where the owner is told of bookings, cancellations and messages, and
    -- where a caller asking for a person is connected.
    owner_phone          TEXT,
    -- The name of the secret holding the Twilio auth token that signs this
    -- business's webhooks (never the token itself).
    twilio_token_secret  TEXT    NOT NULL DEFAULT 'TWILIO_AUTH_TOKEN',
    -- Identifies the business to the public chat widget.
    widget_token         TEXT    UNIQUE,
    -- Google Calendar: the calendar written to and watched, the secret
    -- holding the refresh token, the push channel and the sync position.
    google_calendar_id            TEXT,
    google_refresh_token_secret   TEXT,
    google_channel_id             TEXT UNIQUE,
    google_channel_token          TEXT,
    google_resource_id            TEXT,
    google_channel_expiration     INTEGER,
    google_sync_token             TEXT,
    google_message_number         INTEGER NOT NULL DEFAULT 0,
    lockdown_mode        INTEGER NOT NULL DEFAULT 0 CHECK (lockdown_mode IN (0, 1)),
    created_at           INTEGER NOT NULL
);

-- The Twilio numbers that reach each business (E.164).
CREATE TABLE IF NOT EXISTS business_numbers (
    number      TEXT NOT NULL PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS services (
    business_id      TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    -- Words a customer may use for it besides its name (JSON array).
    aliases          TEXT    NOT NULL DEFAULT '[]',
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0 AND duration_minutes % 5 = 0),
    -- Kept free after each appointment (cleaning up, travel).
    buffer_minutes   INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0 AND buffer_minutes % 5 = 0),
    price_cents      INTEGER,
    PRIMARY KEY (business_id, id)
);

CREATE TABLE IF NOT EXISTS contacts (
    id          TEXT    NOT NULL PRIMARY KEY,
    business_id TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    phone       TEXT,
    email       TEXT,
    name        TEXT,
    -- STOP received: nothing more is sent to this number until START.
    opted_out   INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
    created_at  INTEGER NOT NULL,
    UNIQUE (business_id, phone)
);

CREATE TABLE IF NOT EXISTS appointments (
    id              TEXT    NOT NULL PRIMARY KEY,
    business_id     TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    service_id      TEXT    NOT NULL,
    contact_id      TEXT    REFERENCES contacts (id),
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL CHECK (end_at > start_at),
    -- end_at plus the service's buffer: the time the appointment holds.
    held_until      INTEGER NOT NULL CHECK (held_until >= end_at),
    status          TEXT    NOT NULL DEFAULT 'booked'
        CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    google_event_id TEXT,
    source          TEXT    NOT NULL
        CHECK (source IN ('voice', 'sms', 'chat', 'calendar', 'owner')),
    notes           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS appointments_business_start ON appointments (business_id, start_at);
CREATE INDEX IF NOT EXISTS appointments_contact ON appointments (contact_id, start_at);
CREATE UNIQUE INDEX IF NOT EXISTS appointments_google_event
    ON appointments (business_id, google_event_id) WHERE google_event_id IS NOT NULL;

-- The five-minute cells each booked appointment holds (start to held_until),
-- one row each: two bookings of overlapping times cannot both commit,
-- whichever channel or instance they come from.
CREATE TABLE IF NOT EXISTS appointment_cells (
    business_id    TEXT    NOT NULL,
    cell           INTEGER NOT NULL,
    appointment_id TEXT    NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    PRIMARY KEY (business_id, cell)
);
CREATE INDEX IF NOT EXISTS appointment_cells_appointment ON appointment_cells (appointment_id);

-- Busy times from the business's Google Calendar that the assistant did
-- not book: availability leaves them out.
CREATE TABLE IF NOT EXISTS calendar_busy (
    business_id TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    event_id    TEXT    NOT NULL,
    start_at    INTEGER NOT NULL,
    end_at      INTEGER NOT NULL,
    PRIMARY KEY (business_id, event_id)
);
CREATE INDEX IF NOT EXISTS calendar_busy_start ON calendar_busy (business_id, start_at);

-- One conversation per call, SMS thread or widget session; its state is the
-- engine's (JSON), so any instance can take the next turn.
CREATE TABLE IF NOT EXISTS conversations (
    id          TEXT    NOT NULL PRIMARY KEY,
    business_id TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL CHECK (channel IN ('voice', 'sms', 'chat')),
    -- The call's CallSid, the texter's number, or the widget session.
    external_id TEXT    NOT NULL,
    contact_id  TEXT    REFERENCES contacts (id),
    state       TEXT    NOT NULL DEFAULT '{}',
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'handed_over')),
    turns       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_external ON conversations (business_id, channel, external_id, updated_at);

CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('caller', 'assistant')),
    text            TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- Messages left for the owner.
CREATE TABLE IF NOT EXISTS owner_messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    business_id     TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    conversation_id TEXT    REFERENCES conversations (id),
    name            TEXT,
    phone           TEXT,
    text            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS owner_messages_business ON owner_messages (business_id, created_at);

-- Inbound webhook deliveries, keyed by Twilio's idempotency token (or the
-- signed request itself): a retry or replay gets the first answer back and
-- acts on nothing. A pending row whose lease has passed was abandoned
-- mid-way (nothing it did committed) and may be taken over.
CREATE TABLE IF NOT EXISTS deliveries (
    key           TEXT    NOT NULL PRIMARY KEY,
    business_id   TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
    lease_until   INTEGER NOT NULL,
    status        INTEGER,
    content_type  TEXT,
    body          TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_created ON deliveries (created_at);

-- Twilio's call status callbacks, as they arrive.
CREATE TABLE IF NOT EXISTS call_events (
    business_id TEXT    NOT NULL,
    call_sid    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    duration    INTEGER,
    at          INTEGER NOT NULL,
    PRIMARY KEY (business_id, call_sid, status)
);

-- What the owner is told by SMS, and whether Twilio took it.
CREATE TABLE IF NOT EXISTS notifications (
    id          TEXT    NOT NULL PRIMARY KEY,
    business_id TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('booked', 'moved', 'cancelled', 'message', 'handover')),
    body        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
    detail      TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_business ON notifications (business_id, created_at);
