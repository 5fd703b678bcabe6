#!/usr/bin/env bash
# CDR import throughput of `carrierdesk import cdrs` (parse, match, rate, dedupe, store,
# roll up) against the plain SQLite path (the sqlite3 shell's .import of the same file into
# a table, then an INSERT ... SELECT ... GROUP BY roll-up into an hourly table), on three
# generated Asterisk Master.csv files of the same calls: in time order as a switch appends
# them, shuffled within each day (files of several switches put together, or written at
# hang-up), and in time order with random UUIDs as uids (as FreeSWITCH gives them). Each
# file goes into a fresh demo database. Needs the sqlite3 command line shell (3.38 or later).
#
#   benches/import_vs_sqlite.sh [ROWS]        ROWS defaults to 1,000,000
set -euo pipefail

rows=${1:-1000000}
needs=sqlite3 needs_hint="apt-get install sqlite3"
source "$(dirname "$0")/setup.sh"
"$bin" demo cdrs --out "$work/shuffled.csv" --rows "$rows" --shuffle-within-day >/dev/null
"$bin" demo cdrs --out "$work/uuid.csv" --rows "$rows" --uuid-uids >/dev/null
# Write the generated files out first, so that neither side is timed flushing them.
sync

# One file both ways; prints its name and the four times taken between the steps.
measure() {
    local name=$1 file=$2
    rm -f "$work"/carrierdesk.db* "$work"/plain.db*
    # A fresh demo database: its 200 customers, no traffic yet.
    "$bin" --db "$work/carrierdesk.db" demo --customers 200 --days 0 >/dev/null
    local t0 t1 t2 t3
    t0=$(now)
    "$bin" --db "$work/carrierdesk.db" import cdrs "$file" >"$work/import-$name.txt"
    t1=$(now)
    sqlite3 "$work/plain.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE cdr (accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                  start, answer, "end", duration INTEGER, billsec INTEGER, disposition, amaflags,
                  uniqueid, userfield);
CREATE TABLE hourly (accountcode TEXT, hour INTEGER, attempts INTEGER, connected INTEGER,
                     duration INTEGER, PRIMARY KEY (accountcode, hour));
.import --csv $file cdr
SQL
    t2=$(now)
    sqlite3 "$work/plain.db" <<SQL
INSERT INTO hourly
SELECT accountcode, unixepoch(start) / 3600 * 3600, count(*), sum(disposition = 'ANSWERED'),
       sum(billsec)
FROM cdr GROUP BY 1, 2;
SQL
    t3=$(now)
    echo "$name $t0 $t1 $t2 $t3"
}

{
    measure time-ordered "$csv"
    measure shuffled "$work/shuffled.csv"
    measure uuid "$work/uuid.csv"
} >"$work/results.txt"

cat "$work/import-time-ordered.txt"
echo
awk -v rows="$rows" -v bytes="$(stat -c %s "$csv")" 'BEGIN {
    printf "%d rows, %.0f MB of Asterisk Master.csv in each file\n", rows, bytes / 1e6
    printf "%-14s %21s %35s %8s\n", "file", "carrierdesk import", "sqlite3 .import + GROUP BY", "times"
}
{
    ours = $3 - $2; plain = $5 - $3
    if (NR == 1) ordered = ours
    printf "%-14s %6.2f s %9.0f rows/s %6.2f s %9.0f rows/s (%.2f + %.2f) %6.2fx\n",
        $1, ours, rows / ours, plain, rows / plain, $4 - $3, $5 - $4, plain / ours
    if (ours > slowest) slowest = ours
}
END {
    printf "slowest of the three: %.2f times as fast as the time-ordered file\n", ordered / slowest
}' "$work/results.txt"
