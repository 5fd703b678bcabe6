-- carrierdesk schema, version 14, PostgreSQL text of ../cdr_rating_v14.sql.

ALTER TABLE cdrs
    ADD COLUMN provider   TEXT NOT NULL DEFAULT '',
    ADD COLUMN charged_by TEXT NOT NULL DEFAULT '',
    ADD COLUMN cost_by    TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN tech_prefixes TEXT NOT NULL DEFAULT '';
CREATE INDEX cdrs_not_rated ON cdrs (start_at)
    WHERE charged_by = 'unrated' OR cost_by = 'unknown';
