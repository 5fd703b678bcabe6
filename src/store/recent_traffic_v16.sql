-- carrierdesk schema, version 16: each customer's traffic of the last 24 hours, kept as it
-- changes, so that the board need not sum the hourly summary of every customer on load.
--
-- recent_traffic holds each customer's sums over the hours from recent_window.since on.
-- Triggers on summary_hourly keep it right whoever writes there (imports, re-ratings, the
-- demo, `db copy`). As the 24 hours slide, a reader takes off the hours that fell out of
-- them (few, read from the time index that now carries the figures), and the board's
-- loads move the window forward and take them off for good.

CREATE TABLE recent_window (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    since INTEGER NOT NULL     -- unix seconds of the first hour counted, UTC
) WITHOUT ROWID;
INSERT INTO recent_window (id, since) VALUES (1, (unixepoch() / 3600 - 23) * 3600);

CREATE TABLE recent_traffic (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    attempts    INTEGER NOT NULL,
    connected   INTEGER NOT NULL,
    duration_s  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
FROM summary_hourly WHERE hour >= (SELECT since FROM recent_window)
GROUP BY customer_id;

-- The hours that leave the window are read from the time index alone.
DROP INDEX summary_hourly_hour;
CREATE INDEX summary_hourly_hour ON summary_hourly (hour, attempts, connected, duration_s);

CREATE TRIGGER recent_traffic_insert AFTER INSERT ON summary_hourly
WHEN new.hour >= (SELECT since FROM recent_window)
BEGIN
    INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
    VALUES (new.customer_id, new.attempts, new.connected, new.duration_s)
    ON CONFLICT (customer_id) DO UPDATE SET
        attempts = attempts + excluded.attempts,
        connected = connected + excluded.connected,
        duration_s = duration_s + excluded.duration_s;
END;

-- An update counts as its old row gone and its new row added, so that a row moved across
-- the window's start (no writer does that today) stays right too.
CREATE TRIGGER recent_traffic_update AFTER UPDATE ON summary_hourly
BEGIN
    UPDATE recent_traffic SET
        attempts = attempts - old.attempts,
        connected = connected - old.connected,
        duration_s = duration_s - old.duration_s
    WHERE customer_id = old.customer_id AND old.hour >= (SELECT since FROM recent_window);
    INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
    SELECT new.customer_id, new.attempts, new.connected, new.duration_s
    WHERE new.hour >= (SELECT since FROM recent_window)
    ON CONFLICT (customer_id) DO UPDATE SET
        attempts = attempts + excluded.attempts,
        connected = connected + excluded.connected,
        duration_s = duration_s + excluded.duration_s;
END;

CREATE TRIGGER recent_traffic_delete AFTER DELETE ON summary_hourly
WHEN old.hour >= (SELECT since FROM recent_window)
BEGIN
    UPDATE recent_traffic SET
        attempts = attempts - old.attempts,
        connected = connected - old.connected,
        duration_s = duration_s - old.duration_s
    WHERE customer_id = old.customer_id;
END;
