#!/usr/bin/env bash
# CDR import throughput of `carrierdesk import cdrs` (parse, match, rate, dedupe, store,
# roll up) against the plain SQLite path (the sqlite3 shell's .import of the same file into
# a table, then an INSERT ... SELECT ... GROUP BY roll-up into an hourly table), on one
# generated Asterisk Master.csv. Needs the sqlite3 command line shell (3.38 or later).
#
#   benches/import_vs_sqlite.sh [ROWS]        ROWS defaults to 1,000,000
set -euo pipefail

rows=${1:-1000000}
needs=sqlite3 needs_hint="apt-get install sqlite3"
source "$(dirname "$0")/setup.sh"
# A fresh demo database: its 200 customers, no traffic yet.
"$bin" --db "$work/carrierdesk.db" demo --customers 200 --days 0 >/dev/null
# Write the generated file out first, so that neither side is timed flushing it.
sync

t0=$(now)
"$bin" --db "$work/carrierdesk.db" import cdrs "$csv" >"$work/import.txt"
t1=$(now)

sqlite3 "$work/plain.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE cdr (accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                  start, answer, "end", duration INTEGER, billsec INTEGER, disposition, amaflags,
                  uniqueid, userfield);
CREATE TABLE hourly (accountcode TEXT, hour INTEGER, attempts INTEGER, connected INTEGER,
                     duration INTEGER, PRIMARY KEY (accountcode, hour));
.import --csv $csv cdr
SQL
t2=$(now)
sqlite3 "$work/plain.db" <<SQL
INSERT INTO hourly
SELECT accountcode, unixepoch(start) / 3600 * 3600, count(*), sum(disposition = 'ANSWERED'),
       sum(billsec)
FROM cdr GROUP BY 1, 2;
SQL
t3=$(now)

cat "$work/import.txt"
echo
awk -v rows="$rows" -v bytes="$(stat -c %s "$csv")" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" 'BEGIN {
    printf "%d rows, %.0f MB of Asterisk Master.csv\n", rows, bytes / 1e6
    printf "carrierdesk import cdrs:     %6.2f s  %9.0f rows/s\n", t1 - t0, rows / (t1 - t0)
    printf "sqlite3 .import + GROUP BY:  %6.2f s  %9.0f rows/s  (.import %.2f s, roll-up %.2f s)\n",
        t3 - t1, rows / (t3 - t1), t2 - t1, t3 - t2
}'
