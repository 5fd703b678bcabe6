-- carrierdesk schema, version 7, PostgreSQL text of ../settings_v7.sql: the same end state,
-- in place.

ALTER TABLE settings
    ALTER COLUMN value DROP NOT NULL,
    ADD COLUMN version    BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN updated_at TEXT NOT NULL DEFAULT '',
    ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
