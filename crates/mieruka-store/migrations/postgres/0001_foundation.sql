-- The foundation: organisations and their unit tree, periods, KPI definitions, plans with
-- revisions, measurements, users. Times are RFC 3339 UTC text; dates are YYYY-MM-DD text.

CREATE TABLE organisations (
    id                 BIGSERIAL PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    maturity           TEXT    NOT NULL,
    fiscal_start_month BIGINT  NOT NULL CHECK (fiscal_start_month BETWEEN 1 AND 12),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);

CREATE TABLE units (
    id                  BIGSERIAL PRIMARY KEY,
    org_id              BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    parent_id           BIGINT  REFERENCES units (id),
    code                TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    maturity            TEXT,
    employees           BIGINT,
    it_staff            BIGINT,
    security_staff      BIGINT,
    annual_revenue_yen  BIGINT,
    it_budget_yen       BIGINT,
    security_budget_yen BIGINT,
    industry            TEXT,
    created_at          TEXT    NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE periods (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    code       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    start_date TEXT    NOT NULL,
    end_date   TEXT    NOT NULL CHECK (end_date >= start_date),
    UNIQUE (org_id, code)
);

-- org_id NULL: the built-in catalogue. `definition` is the KPI's public JSON form.
CREATE TABLE kpi_definitions (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT  REFERENCES organisations (id) ON DELETE CASCADE,
    kpi_id     TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    definition TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX kpi_definitions_scope ON kpi_definitions ((COALESCE(org_id, 0)), kpi_id);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    lang          TEXT    NOT NULL DEFAULT 'ja',
    password_hash TEXT,
    created_at    TEXT    NOT NULL
);

-- A plan is its identity and state; what it aims for lives in append-only revisions.
CREATE TABLE plans (
    id                BIGSERIAL PRIMARY KEY,
    org_id            BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    period_id         BIGINT  NOT NULL REFERENCES periods (id),
    kpi_definition_id BIGINT  NOT NULL REFERENCES kpi_definitions (id),
    state             TEXT    NOT NULL,
    created_at        TEXT    NOT NULL
);
CREATE INDEX plans_period ON plans (org_id, period_id);

CREATE TABLE plan_revisions (
    id         BIGSERIAL PRIMARY KEY,
    plan_id    BIGINT  NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    revision   BIGINT  NOT NULL,
    content    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (plan_id, revision)
);

-- Append-only: a correction is a new row whose `supersedes` names the row it replaces.
CREATE TABLE measurements (
    id           BIGSERIAL PRIMARY KEY,
    plan_id      BIGINT  NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    unit_id      BIGINT  NOT NULL REFERENCES units (id),
    measured_on  TEXT    NOT NULL,
    part         TEXT,
    value_kind   TEXT    NOT NULL,
    numerator    DOUBLE PRECISION,
    denominator  DOUBLE PRECISION,
    value        DOUBLE PRECISION,
    effort_hours DOUBLE PRECISION,
    source       TEXT    NOT NULL,
    evidence     TEXT,
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    supersedes   BIGINT  UNIQUE REFERENCES measurements (id),
    import_key   TEXT    UNIQUE
);
CREATE INDEX measurements_plan ON measurements (plan_id, unit_id, measured_on);
