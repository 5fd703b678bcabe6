-- carrierdesk schema, version 15: the imports running now. The database cannot say who
-- holds its write lock, so an import writes its row here (committed at once) before it
-- takes the lock, and its own transaction removes it at commit. A writer kept waiting
-- reads it to say whose import it waits for and since when. A row whose process has gone
-- (killed mid-import) is ignored and removed by the next import on its host.

CREATE TABLE running_imports (
    id         INTEGER PRIMARY KEY,
    operator   TEXT NOT NULL,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
