#!/usr/bin/env bash
# make bench: requests/s for /healthz and for signed-in list pages, beside nginx serving a small static file on
# loopback in the same run, and the ratios. Also how long seed-demo takes for 100 sites and 10,000 children.
# Loopback only; every load run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/tadaima-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; exit 1; }
rps() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {print $2}'; }

echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; wrk -t2 -c$CONNECTIONS -d${DURATION}s, loopback"

# The dummy city the benchmarks run against.
export TADAIMA_DB="$work/bench.db" TADAIMA_SECRET_FILE="$work/secret" TADAIMA_LOG_LEVEL=warn
./build/tadaima migrate >/dev/null
start=$(date +%s.%N)
./build/tadaima seed-demo --sites 100 --children 10000
end=$(date +%s.%N)
printf 'bench: seed-demo 100 sites / 10,000 children on SQLite: %.2f s\n' "$(echo "$end - $start" | bc)"

# nginx serving a small static file: the ceiling of an HTTP server on this machine.
mkdir -p "$work/www" "$work/nginx"
chmod a+rx "$work" "$work/www"  # nginx workers run as an unprivileged user
head -c 512 /dev/zero | tr '\0' 'x' > "$work/www/hello.txt"
nginx_port=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

port=$(free_port)
TADAIMA_LISTEN="127.0.0.1:$port" ./build/tadaima serve &
pids+=($!)
base="http://127.0.0.1:$port"
wait_http "http://127.0.0.1:$nginx_port/hello.txt"
wait_http "$base/healthz"

# Sign in as the municipal admin (sees every site) to get a session cookie.
jar="$work/jar"
csrf=$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&login_id=admin&password=tadaima-demo&next=/" "$base/login"
session=$(awk '$6 == "tadaima_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "bench: sign-in failed" >&2; exit 1; }
cookie="Cookie: tadaima_session=$session"
curl -fs -o /dev/null -H "$cookie" "$base/children"

nginx_rps=$(rps "http://127.0.0.1:$nginx_port/hello.txt")
health_rps=$(rps "$base/healthz")
sites_rps=$(rps -H "$cookie" "$base/sites")
children_rps=$(rps -H "$cookie" "$base/children")

ratio() { echo "scale=3; $1 / $2" | bc; }
printf '\n%-52s %12s %10s\n' "what" "requests/s" "÷ nginx"
printf '%-52s %12s %10s\n' "nginx static 512-byte file (the machine's ceiling)" "$nginx_rps" "1"
printf '%-52s %12s %10s\n' "GET /healthz (database ping + schema version)" "$health_rps" "$(ratio "$health_rps" "$nginx_rps")"
printf '%-52s %12s %10s\n' "GET /sites signed in (100 sites, page of 50)" "$sites_rps" "$(ratio "$sites_rps" "$nginx_rps")"
printf '%-52s %12s %10s\n' "GET /children signed in (10,000, audited read)" "$children_rps" "$(ratio "$children_rps" "$nginx_rps")"
