-- carrierdesk schema, version 5: who made a change, more fully. Each audit row names the
-- host the console or command ran on (consoles on several hosts share a PostgreSQL
-- database) and, on PostgreSQL, the database role it was connected as (current_user, which
-- a client cannot claim falsely). Rows written before this version have them empty.

ALTER TABLE audit_log ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN db_role TEXT NOT NULL DEFAULT '';
