-- The foundation: organisations and their unit tree, periods, KPI definitions, plans with
-- revisions, measurements, users. Times are RFC 3339 UTC text; dates are YYYY-MM-DD text.

CREATE TABLE organisations (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    maturity           TEXT    NOT NULL,
    fiscal_start_month INTEGER NOT NULL CHECK (fiscal_start_month BETWEEN 1 AND 12),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);

CREATE TABLE units (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    parent_id           INTEGER REFERENCES units (id),
    code                TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    maturity            TEXT,
    employees           INTEGER,
    it_staff            INTEGER,
    security_staff      INTEGER,
    annual_revenue_yen  INTEGER,
    it_budget_yen       INTEGER,
    security_budget_yen INTEGER,
    industry            TEXT,
    created_at          TEXT    NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE periods (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    code       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    start_date TEXT    NOT NULL,
    end_date   TEXT    NOT NULL CHECK (end_date >= start_date),
    UNIQUE (org_id, code)
);

-- org_id NULL: the built-in catalogue. `definition` is the KPI's public JSON form.
CREATE TABLE kpi_definitions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    kpi_id     TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    definition TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX kpi_definitions_scope ON kpi_definitions (COALESCE(org_id, 0), kpi_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    lang          TEXT    NOT NULL DEFAULT 'ja',
    password_hash TEXT,
    created_at    TEXT    NOT NULL
);

-- A plan is its identity and state; what it aims for lives in append-only revisions.
CREATE TABLE plans (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    period_id         INTEGER NOT NULL REFERENCES periods (id),
    kpi_definition_id INTEGER NOT NULL REFERENCES kpi_definitions (id),
    state             TEXT    NOT NULL,
    created_at        TEXT    NOT NULL
);
CREATE INDEX plans_period ON plans (org_id, period_id);

CREATE TABLE plan_revisions (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (plan_id, revision)
);

-- Append-only: a correction is a new row whose `supersedes` names the row it replaces.
CREATE TABLE measurements (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    measured_on  TEXT    NOT NULL,
    part         TEXT,
    value_kind   TEXT    NOT NULL,
    numerator    REAL,
    denominator  REAL,
    value        REAL,
    effort_hours REAL,
    source       TEXT    NOT NULL,
    evidence     TEXT,
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    supersedes   INTEGER UNIQUE REFERENCES measurements (id),
    import_key   TEXT    UNIQUE
);
CREATE INDEX measurements_plan ON measurements (plan_id, unit_id, measured_on);
