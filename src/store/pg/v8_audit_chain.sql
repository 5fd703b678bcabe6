-- carrierdesk schema, version 8, PostgreSQL text of ../audit_chain_v8.sql: the same end state.
-- The operators' role has no UPDATE or DELETE on audit_log (roles.sql); the trigger keeps
-- even its owner's inserts after the last row.

ALTER TABLE audit_log
    ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '',
    ADD COLUMN hash      TEXT NOT NULL DEFAULT '';
CREATE FUNCTION audit_log_at_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <= (SELECT max(id) FROM audit_log) THEN
        RAISE EXCEPTION 'the audit log is append-only: a new row goes after the last one'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_append_only_at_head BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_at_head();
