-- carrierdesk schema, version 18: the audit log's guard refuses a row out of place with
-- RAISE(FAIL) rather than RAISE(ABORT), and carrierdesk writes its rows with INSERT OR FAIL.
--
-- The refusal is the same: the guard runs before the row is written, and a row is written
-- whole or not at all. But a statement that may ABORT must be able to undo its own writes,
-- so SQLite copied every page an audit insert touched (16 KiB each, two an insert) into a
-- statement journal first: a tenth of a bulk edit's commit, one audit row per customer.
-- Nothing in a FAIL statement is undone, so no copy is kept.

DROP TRIGGER audit_log_append_only_at_head;
CREATE TRIGGER audit_log_append_only_at_head BEFORE INSERT ON audit_log
    WHEN NEW.id <= (SELECT max(id) FROM audit_log)
BEGIN SELECT RAISE(FAIL, 'the audit log is append-only: a new row goes after the last one'); END;
