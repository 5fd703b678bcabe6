-- carrierdesk schema, version 6, PostgreSQL text of ../cdrs_uid_bytes_v6.sql.
--
-- A call's uid is an identifier a switch wrote, compared byte for byte as SQLite compares
-- it (BINARY). Under the database's default collation every comparison in the uid's key
-- went through the locale's rules; an import stores a key per call, and byte comparisons
-- made a million-call import about a fifth faster. The key is rebuilt once, here.

ALTER TABLE cdrs ALTER COLUMN uid TYPE TEXT COLLATE "C";
