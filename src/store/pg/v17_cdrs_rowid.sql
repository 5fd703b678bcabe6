-- carrierdesk schema, version 17, PostgreSQL text of ../cdrs_rowid_v17.sql.
--
-- SQLite's calls table stops being clustered on the uid: its rows now append in the order
-- they come, beside the uid's index. A PostgreSQL table is always a heap beside its
-- indexes, so nothing changes here: the version counts the same on both engines.
SELECT 1;
