-- The decision ledger: its records in canonical form, the Merkle tree's
-- stored hashes (see golang.org/x/mod/sumdb/tlog) and the signed
-- checkpoints issued over it. Hashes are standard base64.

-- +goose Up
CREATE TABLE ledger_entries (
    seq  BIGINT PRIMARY KEY,
    data TEXT NOT NULL
);

CREATE TABLE ledger_hashes (
    idx  BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);

CREATE TABLE ledger_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL
);

-- +goose Down
DROP TABLE ledger_checkpoints;
DROP TABLE ledger_hashes;
DROP TABLE ledger_entries;
