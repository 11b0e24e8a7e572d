-- The ledger entries that record delegations: an index of the ledger,
-- kept in the transaction that appends them. The grants themselves are
-- read from the entries, so that the ledger stays the only record of them.

-- +goose Up
CREATE TABLE delegation_entries (
    seq BIGINT PRIMARY KEY REFERENCES ledger_entries (seq)
);

-- +goose Down
DROP TABLE delegation_entries;
