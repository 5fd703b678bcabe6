-- carrierdesk schema, version 6: a call's uid is compared byte for byte. SQLite's default
-- collation (BINARY) already does; the PostgreSQL text (pg/v6_cdrs_uid_bytes.sql) changes
-- the column there. Nothing to change here: the version counts the same on both engines.
SELECT 1;
