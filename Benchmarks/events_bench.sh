#!/usr/bin/env bash
# Event ingest (issue 7, "Speed"): wrk posting batches of 100 events (POST /v1/events, a JSON
# array; every event a new UUID event_id) to `showrunner serve` on loopback — durable events/s
# (each 202 means its events are committed and synced: group commit, WAL, synchronous=FULL) and
# the p50/p99 acknowledgement latency — against raw SQLite inserting the same rows into a table
# with the server's own DDL (read from its database: the same indexes) in transactions of 100
# rows, WAL + synchronous=FULL, from one process (Benchmarks/events_raw.py), in one run. (The
# server also checks every event_id against its in-memory index of the last 7 days' ids and
# flags events by the traffic rules; the raw baseline only inserts.)
# Goals: >= 100,000 events/s durable on this 2-core machine, and >= 0.1x the raw insert rate.
#
# Durability is checked, not assumed: after each measured run `showrunner events stats --json`
# must have grown by 100 x the 202s wrk counted (plus at most 100 x CONNS: the requests still in
# flight when wrk stopped, which wrk does not count). With perf, the server's fsync/fdatasync
# calls are counted during each run: events per sync = the batch size the group commit achieved,
# and the raw baseline is also run with that batch size.
#
# Usage: Benchmarks/events_bench.sh        (installs wrk, sqlite3, curl with apt-get if missing)
# Env: SHOWRUNNER_BIN (skip the build and use this binary) DURATION (10s) WARMUP (2s) ROUNDS (3,
#      median reported) WRK_THREADS (2) CONNS (32) QUIET_WAIT (60: before each run, wait up to this
#      many seconds for other work to stop) KEEP_WORK (1: keep the workdir) PERF (0: don't count syncs)
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-3}
WRK_THREADS=${WRK_THREADS:-2}
CONNS=${CONNS:-32}
QUIET_WAIT=${QUIET_WAIT:-60}
EVENTS=100 # per request (and per raw transaction)
REPO=$(cd "$(dirname "$0")/.." && pwd)

. "$REPO/Benchmarks/lib.sh"

# --- tools -------------------------------------------------------------------------------------
ensure_tools wrk:wrk curl:curl sqlite3:sqlite3
USE_PERF=0
if [ "${PERF:-1}" = 1 ] && command -v perf >/dev/null 2>&1 &&
    perf stat -e syscalls:sys_enter_fdatasync -x, -- true >/dev/null 2>&1; then
    USE_PERF=1
fi

bench_workdir events_bench

# --- the binary --------------------------------------------------------------------------------
showrunner_bin

# --- a fresh database with channel tv, the server ----------------------------------------------
DB="$WORK/catalog.sqlite"
"$SR" channel add tv --name TV --endpoint tv --db "$DB" >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 1; }

PORT=$(free_port)
"$SR" serve --db "$DB" --media-root "$WORK/media" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break
    sleep 0.1
done
curl -fsS -o /dev/null "$URL/healthz" || { log "server did not come up"; cat "$WORK/server.log" >&2; exit 1; }

# The raw baseline's table: the server's own DDL for `event` and its indexes.
sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'event' AND sql IS NOT NULL ORDER BY type DESC, name" >"$WORK/event_schema.sql"
grep -q 'CREATE TABLE "\{0,1\}event' "$WORK/event_schema.sql" || { log "no event table in the schema?"; cat "$WORK/event_schema.sql" >&2; exit 1; }

# --- the load generator ------------------------------------------------------------------------
# Each request: one device's batch of 100 events (a new device id per request; play_start,
# heartbeats 10 s apart, a pause and resume, complete; ts from BASE - 990 s to BASE, sent_at =
# BASE, BASE = the script's start). event_id, UUID-shaped: 48 random bits per request first (so
# a request's ids land at a random place of any ordered index, as clients' v4 UUIDs do), 20
# random bits per event index, then run, thread and request counter (so no event is a duplicate).
# (A fresh v4 UUID per event costs wrk 0.5 cores of the 2 the server needs.) The 100 event texts
# are formatted once per thread; a request formats in the id parts and the device.
BASE=$(date +%s)
cat >"$WORK/events.lua" <<EOF
local EVENTS = $EVENTS
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
function init(args)
    run = tonumber(args[1])
    math.randomseed(run * 1000 + tid)
    tailfmt = "%02x%02x%08x"
    local base = tonumber(args[2])
    n = 0
    prefix = "tv-" .. run .. "-" .. tid .. "-"
    local sent = os.date("!%Y-%m-%dT%H:%M:%S", base) .. ".000Z"
    local kinds = { [0] = "play_start", [49] = "pause", [50] = "resume", [EVENTS - 1] = "complete" }
    fmt = {}
    for i = 0, EVENTS - 1 do
        local ts = os.date("!%Y-%m-%dT%H:%M:%S", base - (EVENTS - 1 - i) * 10) .. ".000Z"
        local fixed = string.format("-4%03x-%04x-", math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff))
        fmt[i + 1] = '{"event_id":"%s' .. fixed .. '%s","type":"' .. (kinds[i] or "heartbeat")
            .. '","device_id":"%s","endpoint":"tv","model":"ES75","channel":"tv","title_id":"ep1","session_id":null,'
            .. '"slot_id":null,"creative_id":null,"position_ms":' .. (i * 10000) .. ',"ts":"' .. ts .. '","sent_at":"' .. sent
            .. '","app_version":"3.2.1"}'
    end
    headers = { ["Content-Type"] = "application/json" }
end
local random, format = math.random, string.format
function request()
    n = n + 1
    local dev = prefix .. n
    local head = format("%08x-%04x", random(0, 0xffffffff), random(0, 0xffff))
    local tail = format(tailfmt, run % 256, tid, n)
    local parts = {}
    for i = 1, EVENTS do
        parts[i] = format(fmt[i], head, tail, dev)
    end
    return wrk.format("POST", "/v1/events", headers, "[" .. table.concat(parts, ",") .. "]")
end
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.bytes, summary.duration,
        e.connect + e.read + e.write + e.timeout, e.status,
        latency:percentile(50), latency:percentile(99), latency.max))
end
EOF

# One request by hand: 202 and all 100 accepted, and the body size.
wrk_body_check() {
    python3 - "$BASE" <<'PY'
import datetime, json, sys
base = int(sys.argv[1])
iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
kinds = {0: "play_start", 49: "pause", 50: "resume", 99: "complete"}
print(json.dumps([{"event_id": f"{1:08x}-{1:04x}-4{i:03x}-8000-{1:012x}", "type": kinds.get(i, "heartbeat"),
                   "device_id": "tv-check", "endpoint": "tv", "model": "ES75", "channel": "tv", "title_id": "ep1",
                   "position_ms": i * 10000, "ts": iso(base - (99 - i) * 10), "sent_at": iso(base), "app_version": "3.2.1"}
                  for i in range(100)]))
PY
}
wrk_body_check >"$WORK/check.json"
reply=$(curl -sS -w ' %{http_code}' -H 'Content-Type: application/json' --data-binary @"$WORK/check.json" "$URL/v1/events")
[[ "$reply" == *'"accepted":100'*' 202' ]] || { log "check batch not accepted: $reply"; exit 1; }
BODY_BYTES=$(wc -c <"$WORK/check.json")

# --- measuring ---------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Bytes the process passed to write()/pwrite() (database, WAL, temp files; page cache, not disk).
wchar() { awk '/^wchar:/ { print $2 }' "/proc/$1/io"; }
# Busy ticks of the whole machine (user+nice+system+irq+softirq+steal, all cores).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
stored() { "$SR" events stats --json --db "$DB" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])'; }

# Waits (up to QUIET_WAIT s) until the machine is nearly idle (< 0.15 cores busy over 1 s).
wait_quiet() {
    local deadline=$((SECONDS + QUIET_WAIT)) a b
    while [ "$SECONDS" -lt "$deadline" ]; do
        a=$(machine_ticks); sleep 1; b=$(machine_ticks)
        [ $((b - a)) -lt $((CLK_TCK * 15 / 100)) ] && return 0
    done
    [ "$QUIET_WAIT" = 0 ] || log "  (the machine is still busy after ${QUIET_WAIT} s; measuring anyway)"
}

# measure RUN: one measured wrk run (after a WARMUP run) →
# "reqs req/s p50_ms p99_ms max_ms server_cpu_us_per_event errors other_cores stored_delta syncs"
measure() {
    local run=$1 before after mbefore mafter out wrk_cpu rows_before rows_after perf_pid=""
    wait_quiet
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" --timeout 10s -s "$WORK/events.lua" "$URL" -- "$((run + 500))" "$BASE" >/dev/null 2>&1 || true
    sleep 0.5
    rows_before=$(stored)
    if [ "$USE_PERF" = 1 ]; then
        perf stat -x, -o "$WORK/perf.$run" -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$SERVER_PID" &
        perf_pid=$!
        sleep 0.2
    fi
    before=$(cpu_ticks "$SERVER_PID")
    wbefore=$(wchar "$SERVER_PID")
    mbefore=$(machine_ticks)
    out=$( { TIMEFORMAT='WRKCPU %3U %3S'; time wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s "$WORK/events.lua" "$URL" -- "$run" "$BASE"; } 2>&1 ) ||
        { log "wrk failed"; echo "0 0 0 0 0 0 1 0 0 0"; return; }
    mafter=$(machine_ticks)
    after=$(cpu_ticks "$SERVER_PID")
    sleep 1 # requests still in flight when wrk stopped finish
    wafter=$(wchar "$SERVER_PID")
    local syncs=0
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null || true
        wait "$perf_pid" 2>/dev/null || true
        syncs=$(awk -F, '$3 ~ /sys_enter_f(data)?sync/ { s += $1 } END { print s + 0 }' "$WORK/perf.$run")
    fi
    rows_after=$(stored)
    wrk_cpu=$(grep '^WRKCPU' <<<"$out" | awk '{ print $2 + $3 }')
    out=$(grep '^RESULT' <<<"$out") || { log "wrk printed no result"; echo "0 0 0 0 0 0 1 0 0 0"; return; }
    read -r _ reqs bytes dur_us sock_err status_err p50 p99 max <<<"$out"
    python3 - "$reqs" "$dur_us" "$before" "$after" "$CLK_TCK" "$p50" "$p99" "$max" "$((sock_err + status_err))" \
        "$mbefore" "$mafter" "$wrk_cpu" "$((rows_after - rows_before))" "$syncs" "$((wafter - wbefore))" <<'PY'
import sys
reqs, dur, before, after, tck, p50, p99, mx, errs, mb, ma = map(int, sys.argv[1:12])
wrk_cpu = float(sys.argv[12])
delta, syncs, written = int(sys.argv[13]), int(sys.argv[14]), int(sys.argv[15])
secs = dur / 1e6
server = (after - before) / tck
other = max(0.0, (ma - mb) / tck - server - wrk_cpu) / secs
print(f"{reqs} {reqs / secs:.1f} {p50 / 1000:.3f} {p99 / 1000:.3f} {mx / 1000:.3f} {server * 1e6 / max(reqs * 100, 1):.2f} "
      f"{errs} {other:.2f} {delta} {syncs} {wrk_cpu / secs:.2f} {server / secs:.2f} {written / max(delta, 1):.0f}")
PY
}

RESULTS="$WORK/results.txt"
: >"$RESULTS"
CHECKS=()
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS: showrunner"
    run=$((100 + round))
    line=$(measure "$run")
    read -r reqs rps p50 p99 max cpu errs other delta syncs wrkc srvc wpe <<<"$line"
    evs=$(python3 -c "print(f'{$rps * $EVENTS:.0f}')")
    log "  $evs events/s ($rps req/s), p50 $p50 ms, p99 $p99 ms, max $max ms, server $cpu us CPU/event ($srvc cores), wrk $wrkc cores, other work $other cores, $errs errors, $wpe bytes write()n per event"
    if [ "$errs" != 0 ] || [ "$delta" -lt $((reqs * EVENTS)) ] || [ "$delta" -gt $(((reqs + CONNS) * EVENTS)) ]; then
        CHECKS+=("round $round: MISMATCH: wrk $reqs x 202 ($errs errors) = $((reqs * EVENTS)) events acknowledged, events stats +$delta")
    else
        CHECKS+=("round $round: wrk $reqs x 202 = $((reqs * EVENTS)) events acknowledged, events stats +$delta (ok: +$(((delta - reqs * EVENTS) / EVENTS)) requests in flight at the end, <= $CONNS)")
    fi
    log "  ${CHECKS[-1]}"
    per_sync=0
    if [ "$syncs" -gt 0 ]; then per_sync=$((delta / syncs)); log "  server: $syncs fsync/fdatasync calls, $per_sync events per sync"; fi

    # Raw SQLite, the same number of rows as the server stored in this run (at least 50,000).
    rows=$(( delta > 50000 ? delta : 50000 ))
    log "round $round: raw SQLite, $rows rows in transactions of $EVENTS"
    wait_quiet
    mb=$(machine_ticks)
    raw=$(python3 "$REPO/Benchmarks/events_raw.py" "$WORK/raw.sqlite" "$WORK/event_schema.sql" "$rows" "$EVENTS" "$((200 + round))" "$BASE")
    ma=$(machine_ticks)
    read -r rinserted rsecs rrate rcpu rcommits rwpe <<<"$raw"
    rother=$(python3 -c "print(f'{max(0.0, ($ma - $mb) / $CLK_TCK - $rcpu) / $rsecs:.2f}')")
    log "  $rrate rows/s ($rinserted rows, $rcommits commits, $rsecs s, CPU $rcpu s, $rwpe bytes write()n per row), other work $rother cores"
    graw="0 0 0 0 0 0 0 0"
    if [ "$per_sync" -gt "$EVENTS" ]; then
        wait_quiet
        mb=$(machine_ticks)
        graw=$(python3 "$REPO/Benchmarks/events_raw.py" "$WORK/raw.sqlite" "$WORK/event_schema.sql" "$rows" "$per_sync" "$((300 + round))" "$BASE")
        ma=$(machine_ticks)
        read -r ginserted gsecs grate gcpu gcommits gwpe <<<"$graw"
        gother=$(python3 -c "print(f'{max(0.0, ($ma - $mb) / $CLK_TCK - $gcpu) / $gsecs:.2f}')")
        log "  raw SQLite in transactions of $per_sync (the server's events per sync): $grate rows/s ($gcommits commits, CPU $gcpu s), other work $gother cores"
        graw="$graw $gother $per_sync"
    fi
    echo "$round $line $raw $rother $graw" >>"$RESULTS"
done

if grep -qiE 'error|fatal' "$WORK/server.log"; then
    log "server log has errors:"; grep -iE 'error|fatal' "$WORK/server.log" | sort | uniq -c | sort -rn | head -5 >&2
fi
INTEGRITY=$(sqlite3 "$DB" 'PRAGMA integrity_check' | head -3 | tr '\n' ' ')
# The server's resident memory at the end: it holds every event id of the last 7 days (all of
# this run's) in memory.
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")

python3 - "$RESULTS" "$DURATION" "$ROUNDS" "$WRK_THREADS" "$CONNS" "$(nproc)" "$BODY_BYTES" "$USE_PERF" "$INTEGRITY" "$(stored)" "$RSS_KB" \
    "${CHECKS[@]}" <<'PY'
import statistics, sys
a = sys.argv[1:]
results, dur, rounds, th, conns, cores, body, use_perf, integrity, total, rss_kb = a[:11]
checks = a[11:]
QUIET = 0.2  # cores used by other processes above which a run counts as disturbed
F = ["reqs", "rps", "p50", "p99", "max", "cpu", "errs", "other", "delta", "syncs", "wrkc", "srvc", "wpe",
     "r_rows", "r_secs", "r_rate", "r_cpu", "r_commits", "r_wpe", "r_other",
     "g_rows", "g_secs", "g_rate", "g_cpu", "g_commits", "g_wpe", "g_other", "g_batch"]
runs = {}
for line in open(results):
    f = line.split()
    runs[int(f[0])] = dict(zip(F, map(float, f[1:])))
n = int(rounds)
# Server figures over the rounds whose server run was undisturbed, raw figures over the rounds
# whose raw runs were (all rounds, marked DISTURBED, when none was).
def pick(*keys):
    rs = [r for r in range(1, n + 1) if all(runs[r][k] <= QUIET for k in keys)]
    return (rs, f"{len(rs)}/{n}") if rs else (list(range(1, n + 1)), f"none of {n}, so all -- DISTURBED")
srv_rounds, srv_used = pick("other")
raw_rounds, raw_used = pick("r_other", "g_other")
used = f"server runs {srv_used}, raw runs {raw_used}"
def med(k):
    return statistics.median(runs[r][k] for r in (raw_rounds if k[:2] in ("r_", "g_") else srv_rounds))
ev = med("rps") * 100
raw = med("r_rate")
ratio = ev / raw
errs = int(sum(runs[r]["errs"] for r in range(1, n + 1)))
print(f"events_bench: wrk -t{th} -c{conns}, {dur} runs after a warm-up, {n} rounds, {cores} cores shared by server and wrk, loopback")
print(f"each request: POST /v1/events, a JSON array of 100 events ({int(body)} bytes), a new device and 100 new event_ids (48 random bits first)")
print(f"medians over the rounds undisturbed by other work (other processes <= {QUIET} cores): {used}")
print()
print(f"{'showrunner: durable events/s (202s x 100)':52}{ev:12.0f}")
print(f"{'  requests/s':52}{med('rps'):12.0f}")
print(f"{'  p50 / p99 / max acknowledgement latency, ms':52}{med('p50'):6.2f} / {med('p99'):.2f} / {med('max'):.1f}")
print(f"{'  server CPU us/event (cores busy)':52}{med('cpu'):12.2f} ({med('srvc'):.2f})")
print(f"{'  wrk (load generator) cores busy':52}{med('wrkc'):12.2f}")
if use_perf == "1":
    print(f"{'  events per fsync (group-commit batch achieved)':52}{statistics.median(runs[r]['delta'] / max(runs[r]['syncs'], 1) for r in srv_rounds):12.0f}")
print(f"{'  bytes passed to write() per event (db, WAL, temp)':52}{med('wpe'):12.0f}")
print(f"{'  errors (socket + non-2xx), all rounds':52}{errs:12d}")
print(f"{'raw SQLite rows/s (tx of 100, WAL, synchronous=FULL)':52}{raw:12.0f}")
print(f"{'  bytes passed to write() per row':52}{med('r_wpe'):12.0f}")
print(f"{'  CPU s per 100k rows (rest: waiting on syncs)':52}{med('r_cpu') / med('r_rows') * 1e5:12.2f}")
if all(runs[r]["g_batch"] > 0 for r in raw_rounds):
    print(f"{'raw SQLite rows/s, tx of the server events per sync':52}{med('g_rate'):12.0f}  (tx of {med('g_batch'):.0f})")
    print(f"{'  bytes passed to write() per row':52}{med('g_wpe'):12.0f}")
    print(f"{'  ratio showrunner / raw (tx of the server batch)':52}{ev / med('g_rate'):12.2f}")
print(f"{'ratio showrunner / raw (tx of 100), of the medians':52}{ratio:12.2f}")
per_round = " ".join(f"{runs[r]['rps'] * 100 / runs[r]['r_rate']:.2f}" for r in range(1, n + 1))
print(f"{'  per round':52}{per_round:>12}")
print()
for c in checks:
    print(f"durability: {c}")
print(f"durability: events stored in all: {int(total)}; PRAGMA integrity_check: {integrity.strip()}")
print(f"server resident memory at the end: {int(rss_kb) / 1024:.0f} MiB, with the {int(total):,} event ids in its 7-day index")
print("other processes' CPU during each run (cores): "
      + ", ".join(f"round {r}: server {runs[r]['other']:.2f} raw {runs[r]['r_other']:.2f}/{runs[r]['g_other']:.2f}"
                  for r in range(1, n + 1)))
ok_rate, ok_ratio = ev >= 100_000, ratio >= 0.1
print(f"goal >= 100,000 events/s durable: {'MET' if ok_rate else 'NOT MET'} ({ev:,.0f});  "
      f"goal >= 0.1x raw SQLite: {'MET' if ok_ratio else 'NOT MET'} ({ratio:.2f}x)")
print("(the server and wrk share the machine's cores; wrk's Lua body building takes a part of them)")
PY
