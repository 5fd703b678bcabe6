-- carrierdesk schema, version 5, PostgreSQL text of ../audit_host_v5.sql: the host and the
-- database role (current_user) of each audit row.

ALTER TABLE audit_log ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN db_role TEXT NOT NULL DEFAULT '';
