-- carrierdesk schema, version 16, PostgreSQL text of ../recent_traffic_v16.sql.

CREATE TABLE recent_window (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    since BIGINT NOT NULL
);
INSERT INTO recent_window (id, since)
VALUES (1, (floor(extract(epoch FROM now()))::bigint / 3600 - 23) * 3600);

CREATE TABLE recent_traffic (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    attempts    BIGINT NOT NULL,
    connected   BIGINT NOT NULL,
    duration_s  BIGINT NOT NULL
);
INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
FROM summary_hourly WHERE hour >= (SELECT since FROM recent_window)
GROUP BY customer_id;

DROP INDEX summary_hourly_hour;
CREATE INDEX summary_hourly_hour ON summary_hourly (hour, attempts, connected, duration_s)
    INCLUDE (customer_id);

-- Kept by statement triggers, set-wise: an import's upsert of 10,000 hourly rows is one
-- call, not 10,000. The window's row is read FOR SHARE: a writer of the summary holds it
-- until its commit, so the window cannot move (taking hours off) between that read and
-- the commit. An update counts as its old rows gone and its new rows added.
CREATE FUNCTION recent_traffic_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    w bigint;
BEGIN
    SELECT since INTO w FROM recent_window FOR SHARE;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
        SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
        FROM new_rows WHERE hour >= w GROUP BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            attempts = recent_traffic.attempts + excluded.attempts,
            connected = recent_traffic.connected + excluded.connected,
            duration_s = recent_traffic.duration_s + excluded.duration_s;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO recent_traffic (customer_id, attempts, connected, duration_s)
        SELECT customer_id, sum(attempts), sum(connected), sum(duration_s)
        FROM (SELECT customer_id, hour, attempts, connected, duration_s FROM new_rows
              UNION ALL
              SELECT customer_id, hour, -attempts, -connected, -duration_s FROM old_rows) d
        WHERE hour >= w GROUP BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            attempts = recent_traffic.attempts + excluded.attempts,
            connected = recent_traffic.connected + excluded.connected,
            duration_s = recent_traffic.duration_s + excluded.duration_s;
    ELSE
        UPDATE recent_traffic r SET
            attempts = r.attempts - d.attempts,
            connected = r.connected - d.connected,
            duration_s = r.duration_s - d.duration_s
        FROM (SELECT customer_id, sum(attempts) AS attempts, sum(connected) AS connected,
                     sum(duration_s) AS duration_s
              FROM old_rows WHERE hour >= w GROUP BY customer_id) d
        WHERE r.customer_id = d.customer_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER recent_traffic_insert AFTER INSERT ON summary_hourly
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION recent_traffic_keep();
CREATE TRIGGER recent_traffic_update AFTER UPDATE ON summary_hourly
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION recent_traffic_keep();
CREATE TRIGGER recent_traffic_delete AFTER DELETE ON summary_hourly
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION recent_traffic_keep();
