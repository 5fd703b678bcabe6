-- carrierdesk schema, version 9: SIP users with the fields of the web console, and their
-- password kept only as the SIP digests a registrar stores (HA1 and HA1b) with the realm
-- they were computed for: a digest is good for that realm only, so a changed realm shows
-- which passwords must be set again. The unused secret_hash column goes.

ALTER TABLE sip_users DROP COLUMN secret_hash;
ALTER TABLE sip_users ADD COLUMN cps INTEGER NOT NULL DEFAULT 0 CHECK (cps >= 0);
-- udp, tcp, tls or tls_srtp.
ALTER TABLE sip_users ADD COLUMN protocol TEXT NOT NULL DEFAULT 'udp';
-- Addresses and CIDR ranges, comma-separated; empty allows any.
ALTER TABLE sip_users ADD COLUMN ip_whitelist TEXT NOT NULL DEFAULT '';
-- NULL: NAT ping disabled; 0: enabled with the switch's interval; N: every N seconds.
ALTER TABLE sip_users ADD COLUMN nat_ping_s INTEGER CHECK (nat_ping_s >= 0);
-- Codec keys, comma-separated, in order of preference.
ALTER TABLE sip_users ADD COLUMN codecs TEXT NOT NULL DEFAULT 'alaw,ulaw';
ALTER TABLE sip_users ADD COLUMN ha1 TEXT;
ALTER TABLE sip_users ADD COLUMN ha1b TEXT;
ALTER TABLE sip_users ADD COLUMN password_realm TEXT;
