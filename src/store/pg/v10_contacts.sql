-- carrierdesk schema, version 10, PostgreSQL text of ../contacts_v10.sql: the same end state
-- (identity columns never reuse an id, so no rebuild is needed here).

ALTER TABLE contacts ADD COLUMN portal_whitelist TEXT NOT NULL DEFAULT '';
