-- Decision requests and their escalations. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE requests (
    id           BIGINT PRIMARY KEY,
    decision     TEXT NOT NULL,
    domain       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    measure      DOUBLE PRECISION,
    requested_by TEXT NOT NULL,
    opened       BIGINT NOT NULL,
    deadline     BIGINT NOT NULL,
    escalations  INTEGER NOT NULL,
    decided_in   BIGINT,
    renews       BIGINT UNIQUE
);

CREATE TABLE request_escalations (
    request_id BIGINT NOT NULL REFERENCES requests (id),
    step       INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    to_role    TEXT NOT NULL,
    PRIMARY KEY (request_id, step)
);

-- +goose Down
DROP TABLE request_escalations;
DROP TABLE requests;
