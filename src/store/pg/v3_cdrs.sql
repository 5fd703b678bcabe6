-- carrierdesk schema, version 3, PostgreSQL text of ../cdrs_v3.sql: the same end state,
-- a calls table keyed by uid, without the integer id.
--
-- In SQLite this migration rebuilds the table as WITHOUT ROWID, clustered on uid, to
-- write one B-tree fewer per call. A PostgreSQL table is a heap beside its indexes
-- whatever its key, so nothing here is rebuilt: the id column goes, and the unique index
-- on uid that version 1 built becomes the primary key as it stands (no second index).
-- The indexes on start_at are left as version 2 made them.

ALTER TABLE cdrs DROP CONSTRAINT cdrs_pkey;
ALTER TABLE cdrs DROP COLUMN id;
ALTER INDEX cdrs_uid RENAME TO cdrs_pkey;
ALTER TABLE cdrs ADD CONSTRAINT cdrs_pkey PRIMARY KEY USING INDEX cdrs_pkey;
