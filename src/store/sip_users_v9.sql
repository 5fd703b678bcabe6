-- carrierdesk schema, version 9: SIP users with the fields of the web console, and their
-- password kept only as the SIP digests a registrar stores (HA1 and HA1b) with the realm
-- they were computed for: a digest is good for that realm only, so a changed realm shows
-- which passwords must be set again. The unused secret_hash column goes.
--
-- Both tables are rebuilt with AUTOINCREMENT: SQLite would otherwise hand the id of the
-- newest row out again after a delete, and a list still open on another console would
-- then release another customer's block or edit another SIP user (PostgreSQL's identity
-- columns never reuse an id).

CREATE TABLE sip_users_v9 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    username       TEXT NOT NULL UNIQUE,   -- unique across the whole account
    channels       INTEGER NOT NULL DEFAULT 1 CHECK (channels >= 0),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    cps            INTEGER NOT NULL DEFAULT 0 CHECK (cps >= 0),
    -- udp, tcp, tls or tls_srtp.
    protocol       TEXT NOT NULL DEFAULT 'udp',
    -- Addresses and CIDR ranges, comma-separated; empty allows any.
    ip_whitelist   TEXT NOT NULL DEFAULT '',
    -- NULL: NAT ping disabled; 0: enabled with the switch's interval; N: every N seconds.
    nat_ping_s     INTEGER CHECK (nat_ping_s >= 0),
    -- Codec keys, comma-separated, in order of preference.
    codecs         TEXT NOT NULL DEFAULT 'alaw,ulaw',
    ha1            TEXT,
    ha1b           TEXT,
    password_realm TEXT
);
INSERT INTO sip_users_v9 (id, customer_id, username, channels, version, created_at, updated_at)
    SELECT id, customer_id, username, channels, version, created_at, updated_at FROM sip_users;
DROP TABLE sip_users;
ALTER TABLE sip_users_v9 RENAME TO sip_users;
CREATE INDEX sip_users_customer ON sip_users (customer_id);

CREATE TABLE number_blocks_v9 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    first       INTEGER NOT NULL UNIQUE,
    last        INTEGER NOT NULL CHECK (last >= first),
    created_at  TEXT NOT NULL
);
INSERT INTO number_blocks_v9 SELECT id, customer_id, first, last, created_at FROM number_blocks;
DROP TABLE number_blocks;
ALTER TABLE number_blocks_v9 RENAME TO number_blocks;
CREATE INDEX number_blocks_customer ON number_blocks (customer_id);
