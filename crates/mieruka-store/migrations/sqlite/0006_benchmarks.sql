-- Benchmark (peer) figures: what other organisations reach on a KPI, from a survey or an
-- industry body, for the board report's comparison with peers. Server-wide, not per
-- organisation: one survey serves every organisation on the server. One row per KPI and survey
-- date; the numbers are in the KPI's reading unit (percent, count, hours, score). The KPI is
-- named by its id rather than a row of kpi_definitions: an organisation's own KPI belongs to
-- that organisation, while these figures belong to none.

CREATE TABLE benchmarks (
    id             INTEGER PRIMARY KEY,
    kpi            TEXT    NOT NULL,
    as_of          TEXT    NOT NULL,
    median         REAL    NOT NULL,
    lower_quartile REAL,
    upper_quartile REAL,
    peers          INTEGER NOT NULL CHECK (peers >= 1),
    source         TEXT    NOT NULL,
    industry       TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (kpi, as_of)
);
