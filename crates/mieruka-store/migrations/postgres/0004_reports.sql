-- The board report: what people write for it (the strategy story, each period's ask and
-- checklist, the board's wording of KPIs, the report schedule, the organisation's own glossary
-- terms), kept as validated JSON with one row per kind and scope; and the reports issued to the
-- board, each the snapshot of its view model with the data version it was made from and the
-- snapshot's SHA-256. Issued reports are never changed.

CREATE TABLE report_settings (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('story', 'ask', 'checklist', 'kpi_wording', 'schedule', 'glossary')),
    scope      TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (org_id, kind, scope)
);

CREATE TABLE issued_reports (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    period       TEXT    NOT NULL,
    lang         TEXT    NOT NULL CHECK (lang IN ('ja', 'en')),
    data_version BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    snapshot     TEXT    NOT NULL,
    issued_by    TEXT    NOT NULL,
    issued_at    TEXT    NOT NULL
);
CREATE INDEX issued_reports_org ON issued_reports (org_id, id);
