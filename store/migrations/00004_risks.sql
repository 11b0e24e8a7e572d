-- The risk register as imported (CSV, XLSX), and the figures of each risk
-- treatment beside the ledger entry that records the decision. Times are
-- Unix milliseconds; estimate columns are named as the register's columns.

-- +goose Up
CREATE TABLE risks (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    domain      TEXT NOT NULL,
    category    TEXT NOT NULL,
    owner       TEXT NOT NULL,
    status      TEXT NOT NULL,
    likelihood  DOUBLE PRECISION,
    impact      DOUBLE PRECISION,
    freq        DOUBLE PRECISION,
    freq_min    DOUBLE PRECISION,
    freq_likely DOUBLE PRECISION,
    freq_max    DOUBLE PRECISION,
    loss_min    DOUBLE PRECISION,
    loss_likely DOUBLE PRECISION,
    loss_max    DOUBLE PRECISION,
    loss_p5     DOUBLE PRECISION,
    loss_p95    DOUBLE PRECISION,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    imported    BIGINT NOT NULL,
    ledger_size BIGINT NOT NULL
);

CREATE TABLE risk_treatments (
    seq       BIGINT PRIMARY KEY REFERENCES ledger_entries (seq),
    risk_id   TEXT NOT NULL,
    exposure  DOUBLE PRECISION NOT NULL,
    reduction DOUBLE PRECISION NOT NULL
);

-- +goose Down
DROP TABLE risk_treatments;
DROP TABLE risks;
