# Shared by the benchmark scripts: `. "$(dirname "$0")/lib.sh"`.

log() { printf '%s\n' "$*" >&2; }

# ensure_tools CMD:PACKAGE...: installs with apt-get the packages whose command is missing
# (looked up on PATH and in /usr/sbin).
ensure_tools() {
    local need=() spec
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${spec%%:*}" ] || need+=("${spec#*:}")
    done
    [ ${#need[@]} -gt 0 ] || return 0
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    log "installing: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# bench_workdir NAME: a fresh $WORK (removed at exit unless KEEP_WORK=1); processes whose pids are
# appended to PIDS are killed at exit.
bench_workdir() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    chmod 755 "$WORK"
    PIDS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${KEEP_WORK:-0}" = 1 ]; then log "workdir kept: $WORK"; else rm -rf "$WORK"; fi
}

# showrunner_bin: sets SR to $SHOWRUNNER_BIN, or builds the release binary of the repo in $REPO.
showrunner_bin() {
    if [ -n "${SHOWRUNNER_BIN:-}" ]; then
        SR=$SHOWRUNNER_BIN
        log "using $SR"
        return
    fi
    log "building showrunner (release)..."
    swift build -c release --product showrunner --package-path "$REPO" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
    SR="$(swift build -c release --product showrunner --package-path "$REPO" --show-bin-path)/showrunner"
}

# free_port: a TCP port free on 127.0.0.1 now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_ready URL: waits (up to 20 s) until URL answers 2xx.
wait_ready() { # url
    for _ in $(seq 1 200); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "server at $1 did not come up"
    return 1
}

# start_nginx WORKERS HTTP_LINES: writes $WORK/nginx/nginx.conf — the peer's settings every
# benchmark shares (no access log, sendfile, long keep-alive, temp files in $WORK) —
# with HTTP_LINES (types, server blocks) inside http { }, starts nginx in the foreground of a
# background job, and sets NGINX_PID (also added to PIDS, so bench_cleanup stops it).
start_nginx() {
    local workers=$1 body=$2 nginx
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
master_process on;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
$body
}
CONF
    "$nginx" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx/out.log" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
}
