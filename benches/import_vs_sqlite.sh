#!/usr/bin/env bash
# CDR import throughput of `carrierdesk import cdrs` (parse, match, rate, dedupe, store,
# roll up) against the plain SQLite path (the sqlite3 shell's .import of the same file into
# a table, then an INSERT ... SELECT ... GROUP BY roll-up into an hourly table), on three
# generated Asterisk Master.csv files of the same calls: in time order as a switch appends
# them, shuffled within each day (files of several switches put together, or written at
# hang-up), and in time order with random UUIDs as uids (as FreeSWITCH gives them). Each
# file goes into a fresh demo database. Needs the sqlite3 command line shell (3.38 or later).
#
# It also times SQLite alone storing the same calls, already parsed, matched and priced (as
# the import stored them), in the file's order into the calls table of a fresh demo database
# with the import's page cache: one INSERT ... SELECT in the sqlite3 shell, commit included.
# No import into that table can take less, so plain / that time is the most any import
# could reach against the plain path.
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
    # A fresh demo database: its 200 customers, no traffic yet; a copy for SQLite alone.
    "$bin" --db "$work/carrierdesk.db" demo --customers 200 --days 0 >/dev/null
    cp "$work/carrierdesk.db" "$work/alone.db"
    local t0 t1 t2 t3 t4 t5
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
    # The calls as the import stored them, in the file's order (the plain table's rowid).
    rm -f "$work"/staged.db*
    sqlite3 "$work/staged.db" <<SQL
ATTACH '$work/carrierdesk.db' AS ours;
ATTACH '$work/plain.db' AS plain;
CREATE TABLE staged AS
SELECT c.* FROM plain.cdr AS f JOIN ours.cdrs AS c ON c.uid = f.uniqueid ORDER BY f.rowid;
SQL
    sync
    t4=$(now)
    sqlite3 "$work/alone.db" >/dev/null <<SQL
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -262144;
ATTACH '$work/staged.db' AS staged;
INSERT INTO cdrs SELECT * FROM staged.staged ORDER BY rowid;
SQL
    t5=$(now)
    echo "$name $t0 $t1 $t2 $t3 $t4 $t5"
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
    printf "%-14s %21s %35s %8s %20s\n", "file", "carrierdesk import", "sqlite3 .import + GROUP BY",
        "times", "SQLite alone (most)"
}
{
    ours = $3 - $2; plain = $5 - $3; alone = $7 - $6
    if (NR == 1) ordered = ours
    printf "%-14s %6.2f s %9.0f rows/s %6.2f s %9.0f rows/s (%.2f + %.2f) %6.2fx %7.2f s (%.2fx)\n",
        $1, ours, rows / ours, plain, rows / plain, $4 - $3, $5 - $4, plain / ours,
        alone, plain / alone
    if (ours > slowest) slowest = ours
}
END {
    printf "slowest of the three: %.2f times as fast as the time-ordered file\n", ordered / slowest
}' "$work/results.txt"
