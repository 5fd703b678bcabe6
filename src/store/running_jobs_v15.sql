-- carrierdesk schema, version 15: the long writes running now (CDR imports, re-ratings).
-- The database cannot say who holds its write lock, so such a job writes its row here
-- (committed at once) before it takes the lock, and its own transaction removes it at
-- commit. A writer kept waiting reads it to say whose job it waits for and since when. A
-- row whose process has gone (killed mid-job) is ignored and removed by the next job on
-- its host.

CREATE TABLE running_jobs (
    id         INTEGER PRIMARY KEY,
    operator   TEXT NOT NULL,
    job        TEXT NOT NULL,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
