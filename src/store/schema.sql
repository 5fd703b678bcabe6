-- carrierdesk schema, version 1. Money columns are integer minor units of the
-- customer's currency; times are RFC 3339 UTC text, or unix seconds where
-- they are summed or bucketed (cdrs, summary_hourly).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE operators (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL DEFAULT 'operator' CHECK (role IN ('admin', 'operator', 'readonly')),
    created_at TEXT NOT NULL
);

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL COLLATE NOCASE UNIQUE,
    status              TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'pending', 'penalty')),
    balance             INTEGER NOT NULL DEFAULT 0,
    debit_limit         INTEGER NOT NULL DEFAULT 0,
    minimum_payment     INTEGER NOT NULL DEFAULT 0 CHECK (minimum_payment >= 0),
    tax_bp              INTEGER NOT NULL DEFAULT 0 CHECK (tax_bp BETWEEN 0 AND 10000),
    currency            TEXT NOT NULL,
    channels            INTEGER NOT NULL DEFAULT 0 CHECK (channels >= 0),
    channels_in_use     INTEGER NOT NULL DEFAULT 0 CHECK (channels_in_use >= 0),
    cps                 INTEGER NOT NULL DEFAULT 0 CHECK (cps >= 0),
    portal_access       INTEGER NOT NULL DEFAULT 1,
    paypal_email        TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '',     -- comma separated
    vars                TEXT NOT NULL DEFAULT '',     -- TOML
    email_verification  INTEGER NOT NULL DEFAULT 0,
    mobile_verification INTEGER NOT NULL DEFAULT 0,
    approved_clis_only  INTEGER NOT NULL DEFAULT 0,
    invoice_schedule    TEXT NOT NULL DEFAULT 'none' CHECK (invoice_schedule IN ('none', 'daily', 'weekly', 'monthly')),
    invoice_due_days    INTEGER NOT NULL DEFAULT 0 CHECK (invoice_due_days >= 0),
    account_code        TEXT NOT NULL DEFAULT '',
    rate_micros         INTEGER NOT NULL DEFAULT 0 CHECK (rate_micros >= 0), -- price per minute, 1e-6 of the major unit
    bill_first_s        INTEGER NOT NULL DEFAULT 60 CHECK (bill_first_s > 0),
    bill_next_s         INTEGER NOT NULL DEFAULT 60 CHECK (bill_next_s > 0),
    parent_id           INTEGER REFERENCES customers (id),
    last_call_at        TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX customers_account_code ON customers (account_code) WHERE account_code <> '';

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
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
    updated_at      TEXT NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id);
CREATE UNIQUE INDEX contacts_one_primary ON contacts (customer_id) WHERE is_primary = 1;

CREATE TABLE number_blocks (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    first       INTEGER NOT NULL UNIQUE,
    last        INTEGER NOT NULL CHECK (last >= first),
    created_at  TEXT NOT NULL
);
CREATE INDEX number_blocks_customer ON number_blocks (customer_id);

CREATE TABLE sip_users (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    username    TEXT NOT NULL UNIQUE,   -- unique across the whole account
    secret_hash TEXT,
    channels    INTEGER NOT NULL DEFAULT 1 CHECK (channels >= 0),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX sip_users_customer ON sip_users (customer_id);

-- Raw calls. uid is the CDR's own unique id, or a hash of the row where it has none.
CREATE TABLE cdrs (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER REFERENCES customers (id),
    start_at     INTEGER NOT NULL,  -- unix seconds, UTC
    answered     INTEGER NOT NULL,
    duration_s   INTEGER NOT NULL CHECK (duration_s >= 0),
    billed_s     INTEGER NOT NULL CHECK (billed_s >= 0),
    charge       INTEGER NOT NULL DEFAULT 0,
    cost         INTEGER NOT NULL DEFAULT 0,
    src          TEXT NOT NULL DEFAULT '',
    dst          TEXT NOT NULL DEFAULT '',
    disposition  TEXT NOT NULL DEFAULT '',
    channel      TEXT NOT NULL DEFAULT '',
    account_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cdrs_customer_start ON cdrs (customer_id, start_at);

-- Per customer and UTC hour; the Daily, Weekly and Monthly views are computed from it.
CREATE TABLE summary_hourly (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    hour        INTEGER NOT NULL,   -- unix seconds of the hour's start, UTC
    attempts    INTEGER NOT NULL DEFAULT 0,
    connected   INTEGER NOT NULL DEFAULT 0,
    duration_s  INTEGER NOT NULL DEFAULT 0,
    billed_s    INTEGER NOT NULL DEFAULT 0,
    charge      INTEGER NOT NULL DEFAULT 0,
    cost        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, hour)
) WITHOUT ROWID;
CREATE INDEX summary_hourly_hour ON summary_hourly (hour);

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    period_start  INTEGER NOT NULL,
    period_end    INTEGER NOT NULL,
    issued_at     TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    subtotal      INTEGER NOT NULL,
    tax           INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    remaining_due INTEGER NOT NULL,
    frozen        INTEGER NOT NULL DEFAULT 0,
    void          INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id);

CREATE TABLE invoice_lines (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    description  TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    unit_amount  INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id);

-- Append-only: the triggers below refuse updates and deletes.
-- customer_id is not a foreign key so that a deleted customer's history stays.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    action      TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    customer_id INTEGER,
    message     TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE scheduled_changes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL,
    due_at       TEXT NOT NULL,
    fields       TEXT NOT NULL,      -- JSON object of the fields it sets
    author       TEXT NOT NULL,
    author_ip    TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'cancelled', 'failed')),
    result       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX scheduled_changes_due ON scheduled_changes (state, due_at);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'sms')),
    customer_id INTEGER,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_unsent ON outbox (sent_at) WHERE sent_at IS NULL;
