#!/usr/bin/env bash
# The slot audit over generated ledgers of 100 k, 1 M and 10 M beacons (10,000 slot keys):
# wall time of `showrunner audit slots --format json` (process start and catalog load
# included), beside a raw SQLite scan of the same beacons (`sqlite3` counting the rows the
# audit reads), in one run.
#
#   Benchmarks/audit_bench.sh [SIZES...]      (default: 100000 1000000 10000000)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
. "$REPO/Benchmarks/lib.sh"
ensure_tools sqlite3:sqlite3 python3:python3
bench_workdir audit-bench
showrunner_bin
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000 10000000)

now_ms() { date +%s%3N; }
printf '%-10s %-12s %-12s %-12s %s\n' beacons generate_s audit_s raw_scan_s slots
for n in "${SIZES[@]}"; do
    db="$WORK/audit-$n.sqlite"
    "$SR" events stats --db "$db" >/dev/null           # creates the schema
    t0=$(now_ms); python3 "$REPO/Benchmarks/audit_gen.py" "$db" "$n" >"$WORK/gen.log"; t1=$(now_ms)
    "$SR" audit slots --db "$db" --media-root "$WORK" --from 2026-11-29 --to 2026-11-30 --format json >/dev/null  # warm the page cache
    best=""
    for _ in 1 2 3; do
        a=$(now_ms)
        "$SR" audit slots --db "$db" --media-root "$WORK" --from 2026-11-29 --to 2026-11-30 --format json >"$WORK/out.json"
        b=$(now_ms)
        d=$((b - a)); [ -z "$best" ] || [ "$d" -lt "$best" ] && best=$d
    done
    a=$(now_ms)
    sqlite3 "$db" "SELECT COUNT(*), COUNT(DISTINCT slot_id) FROM event INDEXED BY event_by_slot WHERE slot_id IS NOT NULL" >/dev/null
    b=$(now_ms)
    slots=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['slots']))" "$WORK/out.json")
    printf '%-10s %-12s %-12s %-12s %s\n' "$n" "$(awk "BEGIN{print ($t1-$t0)/1000}")" "$(awk "BEGIN{print $best/1000}")" \
        "$(awk "BEGIN{print ($b-$a)/1000}")" "$slots"
    rm -f "$db" "$db-wal" "$db-shm"
done
