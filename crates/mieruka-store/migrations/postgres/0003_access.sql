-- Access and accountability: accounts and roles per organisation, sessions shared by every
-- instance, API tokens, sign-in attempts for throttling, and the hash-chained audit log.

ALTER TABLE users ADD COLUMN is_admin BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled BIGINT  NOT NULL DEFAULT 0;

-- A user's role in an organisation; a contributor is limited to the subtree under unit_id.
CREATE TABLE memberships (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('owner', 'contributor', 'viewer', 'auditor')),
    unit_id    BIGINT  REFERENCES units (id),
    created_at TEXT    NOT NULL,
    UNIQUE (user_id, org_id)
);

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_unix BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    scopes       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE login_attempts (
    id        BIGSERIAL PRIMARY KEY,
    username  TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    succeeded BIGINT  NOT NULL,
    at_unix   BIGINT  NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at_unix);
CREATE INDEX login_attempts_address ON login_attempts (address, at_unix);

-- Append-only and hash-chained: hash = SHA-256 over prev_hash and the entry's fields, so an
-- edited, deleted or reordered entry breaks the chain at that point.
CREATE TABLE audit_log (
    seq         BIGINT  PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_key  TEXT    NOT NULL,
    org_id      BIGINT,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
