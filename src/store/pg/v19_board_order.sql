-- carrierdesk schema, version 19, PostgreSQL text of ../board_order_v19.sql.
--
-- The board lists customers by name with ASCII letters folded, then by bytes: SQLite's
-- NOCASE order, in which the console also puts a changed row back in place. lower() under
-- the "C" collation folds ASCII letters only, and its result sorts by bytes, so this index
-- is in exactly that order. It lets a console's first screen read its first rows from the
-- index instead of sorting every customer. (The unique index on lower(name) folds every
-- script's letters: it decides which names are the same, not their order.)
CREATE INDEX customers_board_order ON customers (lower(name COLLATE "C"));
