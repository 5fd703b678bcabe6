-- carrierdesk schema, version 4: the change log. Each write transaction adds a row per
-- topic it changed (domain::Change as JSON), so that another console, told by PRAGMA
-- data_version only that something changed, reloads what did. Rows live a few minutes.
--
-- AUTOINCREMENT: seq is never reused, so a reader can tell rows it missed were pruned.

CREATE TABLE change_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,  -- RFC 3339 UTC, the writer's clock
    payload TEXT NOT NULL   -- {"topic":"customers","ids":[3,7]} or {"topic":"calls","many":true}
);
-- Pruning finds the old rows without reading the rest.
CREATE INDEX change_log_at ON change_log (at);
