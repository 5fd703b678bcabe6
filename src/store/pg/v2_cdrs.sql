-- carrierdesk schema, version 2, PostgreSQL text of ../cdrs_v2.sql: the same end state.
--
-- SQLite rebuilds the table because it cannot drop a foreign key or change an index in
-- place; PostgreSQL can, so this is three statements on the table as it is:
-- * customer_id is no longer a foreign key (the import matches every call to a customer
--   it has just read, and customers with calls are never deleted);
-- * the time index leads with start_at, so that an import of calls in time order appends
--   to it; a customer's day is a range of it with customer_id checked in the index;
-- * the calls that matched nobody have a small partial index of their own.

ALTER TABLE cdrs DROP CONSTRAINT cdrs_customer_id_fkey;
DROP INDEX cdrs_customer_start;
CREATE INDEX cdrs_start_customer ON cdrs (start_at, customer_id);
CREATE INDEX cdrs_unmatched ON cdrs (start_at) WHERE customer_id IS NULL;
