-- The sales coaching backend: organisations and their members (from the
-- identity provider's tokens), the playbook (clients, products,
-- strategies), rep assignments, practice sessions and feedback. Every
-- playbook row belongs to one organisation; every query names it.
-- Times are ISO 8601 UTC text; ids are UUID text.

CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    -- The identity provider's organisation id (the token's org_id).
    org_id TEXT NOT NULL UNIQUE,
    name TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    auth_provider TEXT NOT NULL DEFAULT 'workos',
    -- The token's sub.
    auth_subject TEXT NOT NULL UNIQUE,
    email TEXT,
    display_name TEXT,
    onboarding_completed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS organization_memberships (
    user_id TEXT NOT NULL REFERENCES users(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    -- The token's permissions claim, as JSON, when it has one.
    permissions TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX IF NOT EXISTS memberships_by_org ON organization_memberships (organization_id, role);

CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    industry TEXT,
    email TEXT,
    phone TEXT,
    company TEXT,
    status TEXT NOT NULL DEFAULT 'prospect',
    total_revenue REAL NOT NULL DEFAULT 0,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clients_by_org ON clients (organization_id, name);

CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    category TEXT,
    description TEXT,
    price REAL NOT NULL DEFAULT 0,
    stock INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_by_org ON products (organization_id, name);

CREATE TABLE IF NOT EXISTS strategies (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    client_id TEXT NOT NULL REFERENCES clients(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    strategy_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- One strategy per product and client.
    UNIQUE (organization_id, product_id, client_id)
);

CREATE TABLE IF NOT EXISTS rep_assignments (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    client_id TEXT NOT NULL REFERENCES clients(id),
    strategy_id TEXT REFERENCES strategies(id),
    min_practice_minutes INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (organization_id, user_id, product_id, client_id)
);

CREATE TABLE IF NOT EXISTS practice_sessions (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    strategy_id TEXT NOT NULL REFERENCES strategies(id),
    -- A removed member's assignments go; their sessions stay.
    rep_assignment_id TEXT REFERENCES rep_assignments(id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'ended', 'cancelled')),
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX IF NOT EXISTS practice_by_user ON practice_sessions (organization_id, user_id, started_at);

CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    -- report (POST /api/v1/feedback) or flag (a message, over the socket).
    kind TEXT NOT NULL CHECK (kind IN ('report', 'flag')),
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    scope TEXT,
    time_bucket TEXT,
    session_id TEXT,
    interaction_id TEXT,
    created_at TEXT NOT NULL
);
