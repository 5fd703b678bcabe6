-- carrierdesk schema, version 11: the outbox gets a sender. Each message has a state
-- (queued, sending, sent, failed), the server's reason, the time it may be tried again
-- (next_at, unix seconds), the lease of the sender that claimed it (lease_until; past it,
-- another sender may take it over), who claimed it and who queued it, and a Message-ID
-- that stays with it through every try. No foreign keys: the log of what went out outlives
-- a deleted customer or contact.
--
-- Rebuilt with AUTOINCREMENT, for the reason migration 9 gives, its columns in the order
-- PostgreSQL's ALTER TABLE leaves them.

CREATE TABLE outbox_v11 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'sms')),
    customer_id INTEGER,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    contact_id  INTEGER,
    message_id  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    next_at     INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER,
    sender      TEXT NOT NULL DEFAULT '',
    queued_by   TEXT NOT NULL DEFAULT ''
);
INSERT INTO outbox_v11 (id, kind, customer_id, recipient, subject, body, message_id, status,
        reason, attempts, created_at, sent_at)
    SELECT id, kind, customer_id, recipient, subject, body,
        '<outbox-' || id || '@carrierdesk.invalid>',
        CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'sent' END,
        last_error, attempts, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v11 RENAME TO outbox;
CREATE UNIQUE INDEX outbox_message_id ON outbox (message_id);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_created ON outbox (created_at);
