-- carrierdesk schema, version 19: nothing to change on SQLite.
--
-- PostgreSQL gains an index in the board's order (see pg/v19_board_order.sql). Here the
-- name column is COLLATE NOCASE, and its unique index is already in that order: the
-- version counts the same on both engines.
SELECT 1;
