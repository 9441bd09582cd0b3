#!/usr/bin/env bash
# `showrunner serve` vs nginx (sendfile on), on loopback, in one run (issue: catalog + server):
#   (a) the published title's master playlist: GET /v1/play/tv/bench/master.m3u8 from Showrunner
#       (rights check, version pinning, from memory) vs nginx serving the same master.m3u8 file;
#   (b) segment download throughput (MB/s) of the same .ts segments, /media/... on both (wrk
#       rotating over the segments with a Lua script).
# Prints each figure, the ratio (goals: >= 0.5 for (a), >= 0.7 for (b)) and the server CPU time
# per request (user+sys of the server's processes / requests), steadier than throughput on a
# machine shared with other work.
#
# Usage: Benchmarks/serve_bench.sh         (installs nginx and wrk with apt-get if missing)
# Env: DURATION (8s) ROUNDS (3, median reported) WRK_THREADS (2) PLAYLIST_CONNS (64)
#      SEGMENT_CONNS (16) NGINX_WORKERS (auto) BENCH_CACHE (/tmp/showrunner-serve-bench)
set -euo pipefail

DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
WRK_THREADS=${WRK_THREADS:-2}
PLAYLIST_CONNS=${PLAYLIST_CONNS:-64}
SEGMENT_CONNS=${SEGMENT_CONNS:-16}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
SERVER_PREFIX=/media
BENCH_CACHE=${BENCH_CACHE:-/tmp/showrunner-serve-bench}
REPO=$(cd "$(dirname "$0")/.." && pwd)

. "$REPO/Benchmarks/lib.sh"

# --- tools -------------------------------------------------------------------------------------
ensure_tools nginx:nginx-light wrk:wrk ffmpeg:ffmpeg curl:curl

bench_workdir media_bench

# --- a published title ------------------------------------------------------------------------
showrunner_bin
CLIP="$BENCH_CACHE/clip-60s-720p.mp4"
if [ ! -f "$CLIP" ]; then
    log "generating a 60 s 720p clip (~4 Mb/s, 6 s GOPs) with ffmpeg..."
    mkdir -p "$BENCH_CACHE"
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=60 -f lavfi -i sine=f=440:d=60 \
        -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -minrate 4M -bufsize 4M -x264-params nal-hrd=cbr \
        -g 180 -keyint_min 180 -sc_threshold 0 -c:a aac -b:a 128k "$CLIP.tmp.mp4"
    mv "$CLIP.tmp.mp4" "$CLIP"
fi
DB="$WORK/catalog.sqlite"
ROOT="$WORK/media"
mkdir -p "$ROOT"
"$SR" channel add tv --name TV --endpoint tv --db "$DB" >/dev/null
"$SR" film add bench --name Bench --db "$DB" >/dev/null
"$SR" package "$CLIP" --title bench --db "$DB" --media-root "$ROOT" >/dev/null
"$SR" publish bench --channel tv --db "$DB" >/dev/null
chmod -R a+rX "$WORK" 2>/dev/null || true
REND=$(cd "$ROOT/bench/v1" && ls -d v*p | head -1)
mapfile -t SEGMENTS < <(cd "$ROOT" && ls bench/v1/$REND/seg_*.ts)
[ ${#SEGMENTS[@]} -gt 0 ] || { log "no segments in $ROOT/bench/v1/$REND"; exit 1; }
SEG_BYTES=$(cd "$ROOT" && cat "${SEGMENTS[@]}" | wc -c)
log "media root: $ROOT (${#SEGMENTS[@]} segments, $((SEG_BYTES / ${#SEGMENTS[@]} / 1024)) KiB average)"

# --- servers -----------------------------------------------------------------------------------
NGINX_PORT=$(free_port)
start_nginx "$NGINX_WORKERS" "    tcp_nopush on;
    types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location $SERVER_PREFIX/ { alias $ROOT/; }
    }"

OURS_PORT=$(free_port)
"$SR" serve --db "$DB" --media-root "$ROOT" --port "$OURS_PORT" >"$WORK/server.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")
OURS_NAME="showrunner serve"

NAMES=(ours nginx)
BASES=("http://127.0.0.1:$OURS_PORT" "http://127.0.0.1:$NGINX_PORT")
SERVER_PIDS=("$OURS_PID" "$NGINX_PID")
# The master playlist: Showrunner's play route vs nginx's copy of the same (published) file.
PLAYLIST_PATHS=("/v1/play/tv/bench/master.m3u8?device=bench" "$SERVER_PREFIX/bench/v1/master.m3u8")
for i in "${!BASES[@]}"; do wait_ready "${BASES[$i]}${PLAYLIST_PATHS[$i]}"; done

# Same segment bytes from both, and a master that points at the same version (the channel has no
# ad policy, so the play route serves the version's pinned master without a session).
curl -fsS "${BASES[0]}${PLAYLIST_PATHS[0]}" | grep -q "^/media/bench/v1/$REND/index.m3u8" || { log "unexpected master from showrunner"; exit 1; }
for base in "${BASES[@]}"; do
    curl -fsS "$base$SERVER_PREFIX/${SEGMENTS[0]}" | cmp -s - "$ROOT/${SEGMENTS[0]}" || { log "segment differs at $base"; exit 1; }
done
# --- measuring ---------------------------------------------------------------------------------
cat >"$WORK/segments.lua" <<EOF
local paths = {}
$(for s in "${SEGMENTS[@]}"; do echo "paths[#paths + 1] = \"$SERVER_PREFIX/$s\""; done)
local n = 0
request = function()
    n = n % #paths + 1
    return wrk.format("GET", paths[n])
end
EOF
cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.bytes, summary.duration,
        e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
cat "$WORK/report.lua" >>"$WORK/segments.lua"

# CPU ticks (user+sys) of a process and its children (nginx workers).
cpu_ticks() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        if [ -r "/proc/$pid/stat" ]; then
            total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
        fi
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# run_wrk PID CONNS URL [script] → "req/s MB/s cpu_us_per_req"
run_wrk() {
    local pid=$1 conns=$2 url=$3 script=${4:-$WORK/report.lua}
    wrk -t"$WRK_THREADS" -c"$conns" -d2s -s "$script" "$url" >/dev/null 2>&1 || true # warm-up
    local before after out
    before=$(cpu_ticks "$pid")
    out=$(wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" -s "$script" "$url" 2>&1 | grep '^RESULT') ||
        { log "wrk failed against $url"; echo "0 0 0"; return; }
    after=$(cpu_ticks "$pid")
    read -r _ reqs bytes dur_us sock_err status_err <<<"$out"
    if [ "$sock_err" != 0 ] || [ "$status_err" != 0 ]; then
        log "  warning: $url: $sock_err socket errors, $status_err non-2xx"
    fi
    python3 - "$reqs" "$bytes" "$dur_us" "$before" "$after" "$CLK_TCK" <<'PY'
import sys
reqs, nbytes, dur, before, after, tck = map(int, sys.argv[1:])
secs = dur / 1e6
cpu_us = (after - before) / tck * 1e6
print(f"{reqs / secs:.1f} {nbytes / secs / 1e6:.1f} {cpu_us / max(reqs, 1):.1f}")
PY
}

median() { python3 -c 'import sys,statistics; print(statistics.median(map(float, sys.argv[1:])))' "$@"; }

declare -A R
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    for i in "${!NAMES[@]}"; do
        who=${NAMES[$i]} pid=${SERVER_PIDS[$i]} base=${BASES[$i]}
        read -r rps _ cpu <<<"$(run_wrk "$pid" "$PLAYLIST_CONNS" "$base${PLAYLIST_PATHS[$i]}")"
        R[$who.pl.rps]+=" $rps"
        R[$who.pl.cpu]+=" $cpu"
        log "  $who playlist: $rps req/s, $cpu us CPU/req"
        read -r rps mbs cpu <<<"$(run_wrk "$pid" "$SEGMENT_CONNS" "$base" "$WORK/segments.lua")"
        R[$who.seg.mbs]+=" $mbs"
        R[$who.seg.cpu]+=" $cpu"
        log "  $who segments: $mbs MB/s, $cpu us CPU/segment"
    done
done

m() { if [ -n "${R[$1]:-}" ]; then median ${R[$1]}; else echo nan; fi; }
python3 - "$OURS_NAME" "$(m ours.pl.rps)" "$(m nginx.pl.rps)" "$(m ours.pl.cpu)" "$(m nginx.pl.cpu)" \
    "$(m ours.seg.mbs)" "$(m nginx.seg.mbs)" "$(m ours.seg.cpu)" "$(m nginx.seg.cpu)" \
    "$DURATION" "$ROUNDS" "$PLAYLIST_CONNS" "$SEGMENT_CONNS" "$WRK_THREADS" "$(nproc)" <<'PY'
import sys
name = sys.argv[1]
pl_o, pl_n, plc_o, plc_n, sg_o, sg_n, sgc_o, sgc_n = map(float, sys.argv[2:10])
dur, rounds, pc, sc, th, cores = sys.argv[10:]
print(f"serve_bench: wrk -t{th}, {dur} x {rounds} rounds (median), {cores} cores, loopback, nginx sendfile on")
print(f"{'':34}{name:>18}{'nginx':>10}{'ratio':>7}")
def row(label, o, n, fmt, inverse):
    r = (n / o if inverse else o / n) if o and n else float("nan")
    print(f"{label:34}{o:18{fmt}}{n:10{fmt}}{r:7.2f}")
row(f"master playlist req/s (-c{pc})", pl_o, pl_n, ".0f", False)
row("master playlist CPU us/request", plc_o, plc_n, ".1f", True)
row(f"segment MB/s (-c{sc})", sg_o, sg_n, ".0f", False)
row("segment CPU us/segment", sgc_o, sgc_n, ".0f", True)
print("(ratios: ours/nginx for throughput, nginx/ours for CPU per request; goals: master >= 0.5, segments >= 0.7)")
PY
