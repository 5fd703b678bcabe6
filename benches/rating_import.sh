#!/usr/bin/env bash
# What rating by rate cards costs a CDR import: one generated Asterisk Master.csv imported
# into two copies of the same demo database, its customers all billed in EUR, first with no
# cards (every call at its customer's flat rate, no cost), then with every customer on one
# 100,000-prefix selling card and the file's provider on one 100,000-prefix cost card. Also
# times importing one 100,000-row card. Needs the sqlite3 shell for the demo's customers.
#
#   benches/rating_import.sh [ROWS]        ROWS defaults to 1,000,000
set -euo pipefail

rows=${1:-1000000}
needs=sqlite3 needs_hint="apt-get install sqlite3"
source "$(dirname "$0")/setup.sh"
"$bin" --db "$work/flat.db" demo --customers 200 --days 0 >/dev/null
# One currency, so that one selling card serves every customer (the demo mixes several).
sqlite3 "$work/flat.db" "UPDATE customers SET currency = 'EUR'"
cp "$work/flat.db" "$work/cards.db"

# 100,000 distinct prefixes of 2 to 7 digits, and a catch-all.
card() {
    awk -v seed="$1" 'BEGIN {
        srand(seed)
        print "prefix,description,rate,connection_fee,first_increment,next_increment"
        print ",rest of world,0.05,0,60,60"
        while (n < 100000) {
            len = 2 + int(rand() * 6); p = ""
            for (i = 0; i < len; i++) p = p int(rand() * 10)
            if (!(p in seen)) {
                seen[p] = 1; n++
                printf "%s,destination %d,0.%06d,0.%04d,30,6\n", p, n, int(rand() * 100000), int(rand() * 100)
            }
        }
    }' >"$2"
}
card 7 "$work/sell.csv"
card 11 "$work/cost.csv"

db=(--db "$work/cards.db")
t0=$(now)
"$bin" "${db[@]}" rates import COST "$work/cost.csv" --currency EUR --effective 2000-01-01 >/dev/null
t1=$(now)
"$bin" "${db[@]}" settings set provider_card.carrier COST >/dev/null
"$bin" "${db[@]}" rates import SELL "$work/sell.csv" --currency EUR --effective 2000-01-01 >/dev/null
for id in $(sqlite3 "$work/cards.db" "SELECT id FROM customers"); do
    "$bin" "${db[@]}" customers update "$id" --rate-card SELL --rate-card-from 2000-01-01 >/dev/null
done
sync

t2=$(now)
"$bin" --db "$work/flat.db" import cdrs "$csv" >"$work/flat.txt"
t3=$(now)
"$bin" "${db[@]}" import cdrs "$csv" >"$work/cards.txt"
t4=$(now)

grep -E "by card|flat rate|unrated|cost unknown" "$work/cards.txt"
echo
awk -v rows="$rows" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" 'BEGIN {
    printf "import of a 100,000-row rate card:       %6.2f s\n", t1 - t0
    printf "%d calls, flat rates, no cost:      %6.2f s  %9.0f rows/s\n", rows, t3 - t2, rows / (t3 - t2)
    printf "%d calls, 100,000-prefix cards:     %6.2f s  %9.0f rows/s\n", rows, t4 - t3, rows / (t4 - t3)
    printf "rated / flat:                            %6.2f\n", (t4 - t3) / (t3 - t2)
}'
