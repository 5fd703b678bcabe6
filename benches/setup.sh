# Sourced by the benchmark scripts: a release build of carrierdesk in $bin, a scratch folder
# in $work (removed on exit), $csv a generated Asterisk Master.csv of $rows calls, and now()
# for timing. Needs $rows set, and the name of a command the script needs besides ($needs,
# with $needs_hint saying how to install it).
cd "$(dirname "$0")/.."
command -v "$needs" >/dev/null || { echo "needs $needs ($needs_hint)" >&2; exit 1; }
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/carrierdesk

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv=$work/Master.csv
"$bin" demo cdrs --out "$csv" --rows "$rows" >/dev/null

now() { date +%s.%N; }
