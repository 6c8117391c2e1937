-- Money and risk: the loss model's inputs per organisation (append-only revisions), and the
-- business-risk register of Fig. 8.

CREATE TABLE loss_input_revisions (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    content    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX loss_input_revisions_org ON loss_input_revisions (org_id, id);

CREATE TABLE business_risks (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    probability  BIGINT  NOT NULL CHECK (probability BETWEEN 1 AND 5),
    impact_level BIGINT  CHECK (impact_level BETWEEN 1 AND 5),
    impact_yen   BIGINT  CHECK (impact_yen >= 0),
    is_cyber     BIGINT  NOT NULL DEFAULT 0 CHECK (is_cyber IN (0, 1)),
    owner        TEXT,
    note         TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (org_id, code)
);
