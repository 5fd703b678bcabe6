-- carrierdesk schema, version 9, PostgreSQL text of ../sip_users_v9.sql: the same end state.

ALTER TABLE sip_users
    DROP COLUMN secret_hash,
    ADD COLUMN cps            BIGINT NOT NULL DEFAULT 0 CHECK (cps >= 0),
    ADD COLUMN protocol       TEXT NOT NULL DEFAULT 'udp',
    ADD COLUMN ip_whitelist   TEXT NOT NULL DEFAULT '',
    ADD COLUMN nat_ping_s     BIGINT CHECK (nat_ping_s >= 0),
    ADD COLUMN codecs         TEXT NOT NULL DEFAULT 'alaw,ulaw',
    ADD COLUMN ha1            TEXT,
    ADD COLUMN ha1b           TEXT,
    ADD COLUMN password_realm TEXT;
