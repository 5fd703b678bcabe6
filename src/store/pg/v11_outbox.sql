-- carrierdesk schema, version 11, PostgreSQL text of ../outbox_v11.sql: the same end state
-- (altered in place, so that the grants of roles.sql stay on the table).

ALTER TABLE outbox RENAME COLUMN last_error TO reason;
ALTER TABLE outbox
    ADD COLUMN contact_id  BIGINT,
    ADD COLUMN message_id  TEXT,
    ADD COLUMN status      TEXT NOT NULL DEFAULT 'queued'
               CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    ADD COLUMN next_at     BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN lease_until BIGINT,
    ADD COLUMN sender      TEXT NOT NULL DEFAULT '',
    ADD COLUMN queued_by   TEXT NOT NULL DEFAULT '';
UPDATE outbox SET message_id = '<outbox-' || id || '@carrierdesk.invalid>',
                  status = CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'sent' END;
ALTER TABLE outbox ALTER COLUMN message_id SET NOT NULL;
CREATE UNIQUE INDEX outbox_message_id ON outbox (message_id);
DROP INDEX outbox_unsent;
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_created ON outbox (created_at);
