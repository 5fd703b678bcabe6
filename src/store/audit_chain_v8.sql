-- carrierdesk schema, version 8: the audit log proves itself. Each row keeps the SHA-256 of
-- its canonical content (src/domain/audit_chain.rs) and the previous row's hash; the rows
-- already there are chained by the step that runs after this text (store/audit_chain.rs).
-- A new row goes after the last one: an INSERT with an id at or below the last row's, and
-- so a REPLACE of a row (which SQLite runs without the delete trigger), is refused.

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TRIGGER audit_log_append_only_at_head BEFORE INSERT ON audit_log
    WHEN NEW.id <= (SELECT max(id) FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a new row goes after the last one'); END;
