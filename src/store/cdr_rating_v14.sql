-- carrierdesk schema, version 14: how each call was rated. provider is the trunk the call
-- went out through (Asterisk's dstchannel), kept so that its cost can be found again;
-- charged_by is 'file', 'card', 'flat' or 'unrated', cost_by 'file', 'card' or 'unknown'
-- ('' for calls of no customer, and for calls stored before this schema). Unrated calls and
-- calls of unknown cost are listed, so they have an index of their own. A customer's
-- technical prefixes (`9#`, comma separated) are taken off a dialled number before rating.

ALTER TABLE cdrs ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE cdrs ADD COLUMN charged_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cdrs ADD COLUMN cost_by TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN tech_prefixes TEXT NOT NULL DEFAULT '';
CREATE INDEX cdrs_not_rated ON cdrs (start_at)
    WHERE charged_by = 'unrated' OR cost_by = 'unknown';
