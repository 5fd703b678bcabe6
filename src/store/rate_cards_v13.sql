-- carrierdesk schema, rate cards: a card's versions, each the whole card in force from
-- its effective time (unix seconds, UTC), and the rows of each version, one per
-- destination prefix (the empty prefix is the card's catch-all). Rates and fees are
-- millionths of the card's currency. customer_rate_cards says which card prices a
-- customer's calls from when. A card's name is unique ignoring case (ASCII only, so
-- SQLite's NOCASE and PostgreSQL's lower() agree).
--
-- rate_card_rows has no foreign key to its version: the rows are written only with their
-- version, in its transaction, and deleted with it (store/rate_cards.rs). On PostgreSQL a
-- foreign key is checked by a trigger per row, which took a COPY of 100,000 rows from about
-- 0.6 s to 1.4 s.

CREATE TABLE rate_cards (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
    currency   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE rate_card_versions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id        INTEGER NOT NULL REFERENCES rate_cards (id) ON DELETE CASCADE,
    effective_from INTEGER NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    row_count      INTEGER NOT NULL,
    UNIQUE (card_id, effective_from)
);

CREATE TABLE rate_card_rows (
    version_id      INTEGER NOT NULL,
    prefix          TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    rate            INTEGER NOT NULL CHECK (rate >= 0),
    connection_fee  INTEGER NOT NULL DEFAULT 0 CHECK (connection_fee >= 0),
    first_increment INTEGER NOT NULL DEFAULT 60 CHECK (first_increment >= 0),
    next_increment  INTEGER NOT NULL DEFAULT 60 CHECK (next_increment >= 1),
    PRIMARY KEY (version_id, prefix)
) WITHOUT ROWID;

CREATE TABLE customer_rate_cards (
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    card_id        INTEGER NOT NULL REFERENCES rate_cards (id),
    effective_from INTEGER NOT NULL,
    assigned_at    TEXT NOT NULL,
    assigned_by    TEXT NOT NULL,
    PRIMARY KEY (customer_id, effective_from)
);
CREATE INDEX customer_rate_cards_card ON customer_rate_cards (card_id);
