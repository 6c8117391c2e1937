-- The number of the newest audit entry that changed anything but a measurement: who may do what
-- (accounts, tokens, roles), organisations, units, periods, KPI definitions, plans, loss inputs
-- and the rest. Measurements are the bulk of the writes and change none of these, so answers
-- built from them alone (a request's principal, a plan's context) stay valid while this number
-- stays, whichever instance made a change. One row, kept in the same transaction as the entry.

CREATE TABLE config_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT  NOT NULL
);
INSERT INTO config_version (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;
