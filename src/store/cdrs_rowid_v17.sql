-- carrierdesk schema, version 17: calls are stored in the order they come, beside an index
-- on their uid, instead of clustered on the uid (version 3).
--
-- Clustering on the uid wrote one B-tree fewer per call while uids come in time order, as
-- Asterisk's do. They need not: FreeSWITCH's are random UUIDs, and files put together or
-- written at hang-up come out of order. Then every call of an import went into a random
-- page of a table of 150-byte rows. Now the rows append under their rowid whatever the
-- order, and only the uid's index (40-byte entries) takes inserts out of order; an import
-- stores each batch in uid order to keep those near one another.

CREATE TABLE cdrs_v17 (
    uid          TEXT NOT NULL PRIMARY KEY,
    customer_id  INTEGER,           -- customers (id), or NULL while no customer matches
    start_at     INTEGER NOT NULL,  -- unix seconds, UTC
    answered     INTEGER NOT NULL,
    duration_s   INTEGER NOT NULL CHECK (duration_s >= 0),
    billed_s     INTEGER NOT NULL CHECK (billed_s >= 0),
    charge       INTEGER NOT NULL DEFAULT 0,
    cost         INTEGER NOT NULL DEFAULT 0,
    src          TEXT NOT NULL DEFAULT '',
    dst          TEXT NOT NULL DEFAULT '',
    disposition  TEXT NOT NULL DEFAULT '',
    channel      TEXT NOT NULL DEFAULT '',
    account_code TEXT NOT NULL DEFAULT '',
    provider     TEXT NOT NULL DEFAULT '',
    charged_by   TEXT NOT NULL DEFAULT '',
    cost_by      TEXT NOT NULL DEFAULT ''
);
INSERT INTO cdrs_v17 (uid, customer_id, start_at, answered, duration_s, billed_s, charge,
                      cost, src, dst, disposition, channel, account_code, provider,
                      charged_by, cost_by)
SELECT uid, customer_id, start_at, answered, duration_s, billed_s, charge,
       cost, src, dst, disposition, channel, account_code, provider, charged_by, cost_by
FROM cdrs ORDER BY start_at, uid;
DROP TABLE cdrs;
ALTER TABLE cdrs_v17 RENAME TO cdrs;
CREATE INDEX cdrs_start_customer ON cdrs (start_at, customer_id);
CREATE INDEX cdrs_unmatched ON cdrs (start_at) WHERE customer_id IS NULL;
CREATE INDEX cdrs_not_rated ON cdrs (start_at)
    WHERE charged_by = 'unrated' OR cost_by = 'unknown';
