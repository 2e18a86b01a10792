-- Owners who sign in to run their business, the invitations that make
-- them, their sessions' revocations and failed logins, and feedback on
-- conversations. Every statement is idempotent, as Spin re-runs them.

-- An owner belongs to exactly one business; an email is one account.
CREATE TABLE IF NOT EXISTS owners (
    id              TEXT    NOT NULL PRIMARY KEY,
    business_id     TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    -- Lowercased.
    email           TEXT    NOT NULL UNIQUE,
    -- argon2id, as a PHC string.
    hashed_password TEXT    NOT NULL,
    name            TEXT,
    created_at      INTEGER NOT NULL,
    last_login_at   INTEGER
);
CREATE INDEX IF NOT EXISTS owners_business ON owners (business_id);

-- The only way to become the owner of an existing business: an
-- invitation the operator made for it, used once before it expires. Only
-- the token's SHA-256 is kept.
CREATE TABLE IF NOT EXISTS owner_invitations (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    business_id TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    -- When set, only this (lowercased) email may use it.
    email       TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- Session tokens refused before they expire (logged out).
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

-- What a customer thought of a conversation.
CREATE TABLE IF NOT EXISTS feedback (
    id              TEXT    NOT NULL PRIMARY KEY,
    business_id     TEXT    NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    text            TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_conversation ON feedback (conversation_id);
CREATE INDEX IF NOT EXISTS feedback_business ON feedback (business_id, created_at);
