-- carrierdesk schema, version 10: contacts get their portal IP whitelist (addresses and
-- CIDR ranges, comma-separated; empty allows any), and phone and mobile hold E.164 only
-- (the service normalises what is typed; rows from before are kept as they were).
--
-- The table is rebuilt with AUTOINCREMENT for the reason migration 9 gives: a contact's id
-- is never handed out again, so a form still open on another console cannot edit or
-- delete another customer's contact.

CREATE TABLE contacts_v10 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL COLLATE NOCASE UNIQUE, -- also the portal login
    phone           TEXT NOT NULL DEFAULT '',
    mobile          TEXT NOT NULL DEFAULT '',
    contact_type    TEXT NOT NULL DEFAULT '',
    public_notes    TEXT NOT NULL DEFAULT '',
    private_notes   TEXT NOT NULL DEFAULT '',
    email_verified  INTEGER NOT NULL DEFAULT 0,
    mobile_verified INTEGER NOT NULL DEFAULT 0,
    is_primary      INTEGER NOT NULL DEFAULT 0,
    msg_general     INTEGER NOT NULL DEFAULT 1,
    msg_financial   INTEGER NOT NULL DEFAULT 1,
    password_hash   TEXT,                                -- argon2id PHC string, never plain text
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    portal_whitelist TEXT NOT NULL DEFAULT ''
);
INSERT INTO contacts_v10 (id, customer_id, name, email, phone, mobile, contact_type,
        public_notes, private_notes, email_verified, mobile_verified, is_primary, msg_general,
        msg_financial, password_hash, version, created_at, updated_at)
    SELECT id, customer_id, name, email, phone, mobile, contact_type, public_notes,
        private_notes, email_verified, mobile_verified, is_primary, msg_general,
        msg_financial, password_hash, version, created_at, updated_at
    FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_v10 RENAME TO contacts;
CREATE INDEX contacts_customer ON contacts (customer_id);
CREATE UNIQUE INDEX contacts_one_primary ON contacts (customer_id) WHERE is_primary = 1;
