#!/usr/bin/env bash
# The boot-screen decision, `GET /v1/boot/{channel}?device=&model=&w=&h=`, across 10,000
# distinct devices (wrk with a Lua script rotating the device id), vs nginx serving a static
# JSON file of the same size (one of the decisions, saved), in one run (issue #6: >= 0.5x
# nginx's requests/s, p99 <= 5 ms). Also prints the server CPU time per request.
#
# Usage: Benchmarks/boot_bench.sh        (installs nginx and wrk with apt-get if missing)
# Env: DURATION (8s) ROUNDS (3, median) CONNS (32) WRK_THREADS (2) SHOWRUNNER_BIN
set -euo pipefail
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/Benchmarks/lib.sh"
ensure_tools nginx:nginx-light wrk:wrk curl:curl
bench_workdir boot_bench
showrunner_bin

DB="$WORK/catalog.sqlite"
ROOT="$WORK/media"
mkdir -p "$ROOT"
"$SR" channel add tv --name TV --endpoint tv --screen 1920x1080 --screen 3840x2160 --db "$DB" >/dev/null
"$SR" brand add brew-co --name "Brew & Co." --category beverages --db "$DB" >/dev/null
"$SR" brand add volt --name "Volt Motors" --category automotive --db "$DB" >/dev/null
"$SR" boot rules tv --cap-per-day 3 --min-interval 10 --db "$DB" >/dev/null
for spec in "brew-co:60" "volt:40"; do
    "$SR" boot add --channel tv --creative "$REPO/Media/boot-1080p.jpg" --brand "${spec%%:*}" --id "boot-${spec%%:*}" \
        --from 2026-01-01 --until 2027-01-01 --priority 1 --share "${spec#*:}" --db "$DB" --media-root "$ROOT" >/dev/null 2>&1
done
"$SR" boot add --channel tv --creative "$REPO/Media/boot-1080p.jpg" --brand brew-co --id boot-default --from 2026-01-01 \
    --until 2027-01-01 --default --db "$DB" --media-root "$ROOT" >/dev/null 2>&1
chmod -R a+rX "$WORK" 2>/dev/null || true


OURS_PORT=$(free_port)
"$SR" serve --db "$DB" --media-root "$ROOT" --port "$OURS_PORT" >"$WORK/server.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")
Q="model=ES75&w=1920&h=1080"
wait_ready "http://127.0.0.1:$OURS_PORT/v1/boot/tv?device=probe&$Q"
mkdir -p "$WORK/static"
curl -fsS "http://127.0.0.1:$OURS_PORT/v1/boot/tv?device=dev-5000&$Q" >"$WORK/static/boot.json"
BYTES=$(wc -c <"$WORK/static/boot.json")
grep -q '"creative"' "$WORK/static/boot.json" || { log "unexpected decision: $(cat "$WORK/static/boot.json")"; exit 1; }

NGINX_PORT=$(free_port)
start_nginx auto "    default_type application/json;
    server { listen 127.0.0.1:$NGINX_PORT; location /v1/boot/ { alias $WORK/static/; try_files boot.json =404; } }"
wait_ready "http://127.0.0.1:$NGINX_PORT/v1/boot/tv?device=probe&$Q"

# 10,000 devices, each thread starting at its own offset.
cat >"$WORK/devices.lua" <<LUA
local n = 0
local offset = 0
local q = "$Q"
function setup(thread) thread:set("offset", math.random(0, 9999)) end
function init(args) n = offset end
function request()
    n = (n + 1) % 10000
    return wrk.format("GET", "/v1/boot/tv?device=dev-" .. n .. "&" .. q)
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
nginx_ticks() { local t=0 p; for p in $(pgrep -f "nginx: worker" || true) "$NGINX_PID"; do [ -r "/proc/$p/stat" ] && t=$((t + $(cpu_ticks "$p"))); done; echo $t; }
HZ=$(getconf CLK_TCK)

run_wrk() { # url pid-kind -> "rps p50_ms p99_ms cpu_us_per_req"
    local url=$1 kind=$2 before after out rps p50 p99 reqs
    if [ "$kind" = ours ]; then before=$(cpu_ticks "$OURS_PID"); else before=$(nginx_ticks); fi
    out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/devices.lua" "$url")
    if [ "$kind" = ours ]; then after=$(cpu_ticks "$OURS_PID"); else after=$(nginx_ticks); fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else { sub(/s$/, "", v); print v * 1000 } }'; }
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
    echo "$rps $p50 $p99 $(awk -v t=$((after - before)) -v hz="$HZ" -v r="$reqs" 'BEGIN { printf "%.1f", t / hz * 1e6 / r }')"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
log "decision JSON: $BYTES bytes; $ROUNDS rounds of $DURATION, $CONNS connections, $WRK_THREADS wrk threads"
OURS_RPS=(); NGINX_RPS=()
for r in $(seq 1 "$ROUNDS"); do
    o=$(run_wrk "http://127.0.0.1:$OURS_PORT" ours); n=$(run_wrk "http://127.0.0.1:$NGINX_PORT" nginx)
    log "round $r: showrunner $o | nginx $n   (req/s p50_ms p99_ms cpu_us/req)"
    OURS_RPS+=("$o"); NGINX_RPS+=("$n")
done
o_rps=$(printf '%s\n' "${OURS_RPS[@]}" | awk '{print $1}' | median)
n_rps=$(printf '%s\n' "${NGINX_RPS[@]}" | awk '{print $1}' | median)
o_p99=$(printf '%s\n' "${OURS_RPS[@]}" | awk '{print $3}' | median)
n_p99=$(printf '%s\n' "${NGINX_RPS[@]}" | awk '{print $3}' | median)
printf 'boot decision across 10,000 devices: showrunner %s req/s (p99 %s ms) | nginx static %s bytes %s req/s (p99 %s ms) | ratio %s\n' \
    "$o_rps" "$o_p99" "$BYTES" "$n_rps" "$n_p99" "$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')"
