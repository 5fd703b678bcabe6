#!/usr/bin/env bash
# CDR import throughput of `carrierdesk import cdrs` on PostgreSQL (parse, match, rate,
# dedupe, store, roll up, one transaction) against the plain PostgreSQL path on the same
# file (psql's \copy into a table of the file's columns as text, then an
# INSERT ... SELECT ... GROUP BY roll-up into an hourly table). Needs psql, and a server
# URL whose role may create databases; it creates two throwaway databases there and drops
# them at the end.
#
#   benches/import_vs_postgres.sh postgres://user@host:port/postgres [ROWS]   (ROWS: 1,000,000)
set -euo pipefail

url=${1:?usage: benches/import_vs_postgres.sh postgres://user@host:port/postgres [ROWS]}
rows=${2:-1000000}
cd "$(dirname "$0")/.."
command -v psql >/dev/null || { echo "needs psql (apt-get install postgresql-client)" >&2; exit 1; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/carrierdesk

work=$(mktemp -d)
suffix=$$
import_db=carrierdesk_bench_import_$suffix
plain_db=carrierdesk_bench_plain_$suffix
# The same server and role, another database: the path of the URL is replaced.
base=${url%%\?*}
query=${url#"$base"}
on() { echo "${base%/*}/$1$query"; }
cleanup() {
    psql -q "$url" -c "DROP DATABASE IF EXISTS $import_db" -c "DROP DATABASE IF EXISTS $plain_db" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
csv=$work/Master.csv

"$bin" demo cdrs --out "$csv" --rows "$rows" >/dev/null
# A fresh demo database of 200 customers and no traffic, moved to the server.
"$bin" --db "$work/demo.db" demo --customers 200 --days 0 >/dev/null
psql -q "$url" -c "CREATE DATABASE $import_db" -c "CREATE DATABASE $plain_db" >/dev/null
"$bin" db copy --from "$work/demo.db" --to "$(on "$import_db")" >/dev/null 2>&1
psql -q "$(on "$plain_db")" >/dev/null <<SQL
CREATE TABLE raw (accountcode text, src text, dst text, dcontext text, clid text, channel text,
                  dstchannel text, lastapp text, lastdata text, start text, answer text,
                  "end" text, duration bigint, billsec bigint, disposition text, amaflags text,
                  uniqueid text, userfield text);
CREATE TABLE plain_hourly (accountcode text, hour timestamp, attempts bigint, connected bigint,
                           billsec bigint);
SQL
psql -q "$url" -c CHECKPOINT >/dev/null 2>&1 || true
sync

now() { date +%s.%N; }

t0=$(now)
"$bin" --db "$(on "$import_db")" import cdrs "$csv" >"$work/import.txt"
t1=$(now)
psql -q "$(on "$plain_db")" -c "\\copy raw FROM '$csv' CSV" >/dev/null
t2=$(now)
psql -q "$(on "$plain_db")" >/dev/null <<SQL
INSERT INTO plain_hourly
SELECT accountcode, date_trunc('hour', start::timestamp), count(*),
       count(*) FILTER (WHERE disposition = 'ANSWERED'), sum(billsec)
FROM raw GROUP BY 1, 2;
SQL
t3=$(now)

cat "$work/import.txt"
echo
awk -v rows="$rows" -v bytes="$(stat -c %s "$csv")" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
    printf "%d rows, %.0f MB of Asterisk Master.csv, on PostgreSQL\n", rows, bytes / 1e6
    printf "carrierdesk import cdrs:     %6.2f s  %9.0f rows/s\n", t1 - t0, rows / (t1 - t0)
    printf "psql \\copy + GROUP BY:       %6.2f s  %9.0f rows/s  (\\copy %.2f s, roll-up %.2f s)\n",
        t3 - t1, rows / (t3 - t1), t2 - t1, t3 - t2
    printf "import / plain:              %6.2f\n", (t1 - t0) / (t3 - t1)
}'
