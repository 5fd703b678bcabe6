-- carrierdesk schema, version 7: shared settings that operators edit. Each setting keeps a
-- version, bumped by every change, so that a Settings screen opened before another
-- operator's change cannot overwrite it unseen, and when and by whom it last changed. An
-- unset setting keeps its row with no value, so that its version never starts again.
-- SQLite cannot drop NOT NULL in place: the small table is rebuilt.

CREATE TABLE settings_v7 (
    key        TEXT PRIMARY KEY,
    value      TEXT,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO settings_v7 (key, value) SELECT key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v7 RENAME TO settings;
