-- carrierdesk schema, version 18, PostgreSQL text of ../audit_fail_v18.sql.
--
-- SQLite's audit guard changes how it refuses a row, so that an audit insert needs no
-- statement journal. PostgreSQL's guard is a trigger function that raises an exception,
-- and a statement there keeps no such journal: nothing changes here, and the version
-- counts the same on both engines.
SELECT 1;
