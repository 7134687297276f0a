#!/usr/bin/env bash
# make bench: requests/s for /healthz and for signed-in list pages, on SQLite and on PostgreSQL, beside nginx
# serving a small static file on loopback in the same run, and the ratios. Also how long seed-demo takes for 100
# sites and 10,000 children on each. Loopback only; every load run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/tadaima-bench-XXXXXX)
chmod a+rx "$work"  # nginx workers and the postgres user must enter it
pids=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata="$work/pg/data"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$pgdata/postmaster.pid" ] && as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; exit 1; }
rps() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
ratio() { echo "scale=3; $1 / $2" | bc; }
# RFC 6238 TOTP of a base32 secret, now (what an authenticator app shows).
totp() {
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1]
mac = hmac.new(base64.b32decode(s + "=" * (-len(s) % 8)), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
}
row() { printf '%-58s %12s %10s\n' "$1" "$2" "$3"; }

echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; wrk -t2 -c$CONNECTIONS -d${DURATION}s on loopback"

# nginx serving a small static file: the ceiling of an HTTP server on this machine, measured in this run.
mkdir -p "$work/www" "$work/nginx"
chmod a+rx "$work/www"
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
wait_http "http://127.0.0.1:$nginx_port/hello.txt"
nginx_rps=$(rps "http://127.0.0.1:$nginx_port/hello.txt")

# A PostgreSQL cluster of our own (synchronous commit and fsync on, as in production), on a port below 32768.
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
for _ in 1 2 3 4 5; do
  pg_port=$((20000 + RANDOM % 12000))
  as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg/log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null && break
done
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE bench" >/dev/null

results=()
# Seeds a city, serves it, signs in as the municipal admin and measures the pages.
measure() {
  local name="$1" db="$2"
  export TADAIMA_DB="$db" TADAIMA_SECRET_FILE="$work/secret" TADAIMA_LOG_LEVEL=warn
  ./build/tadaima migrate >/dev/null
  local start end
  start=$(date +%s.%N)
  ./build/tadaima seed-demo --sites 100 --children 10000 >/dev/null
  end=$(date +%s.%N)
  printf 'bench: seed-demo 100 sites / 10,000 children on %s: %.2f s\n' "$name" "$(echo "$end - $start" | bc)"
  local port base jar csrf session cookie
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" ./build/tadaima serve &
  local pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
  jar="$work/jar-$name"
  csrf=$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&login_id=admin&password=tadaima-demo&next=/" "$base/login"
  # The admin sets up the second factor as with an authenticator app.
  local setup secret
  setup=$(curl -fsL -c "$jar" -b "$jar" "$base/mfa?next=/")
  secret=$(echo "$setup" | sed -n 's/.*data-qa="totp-secret">\([A-Z2-7 ]*\)<.*/\1/p' | tr -d ' ')
  csrf=$(echo "$setup" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&code=$(totp "$secret")&next=/" "$base/mfa/setup"
  session=$(awk '$6 == "tadaima_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "bench: sign-in failed on $name" >&2; exit 1; }
  cookie="Cookie: tadaima_session=$session"
  local h s c
  h=$(rps "$base/healthz")
  s=$(rps -H "$cookie" "$base/sites")
  c=$(rps -H "$cookie" "$base/children")
  results+=("$(row "GET /healthz on $name (ping + schema version)" "$h" "$(ratio "$h" "$nginx_rps")")")
  results+=("$(row "GET /sites signed in on $name (page of 50 of 100)" "$s" "$(ratio "$s" "$nginx_rps")")")
  results+=("$(row "GET /children signed in on $name (10,000; audited)" "$c" "$(ratio "$c" "$nginx_rps")")")
  kill "$pid"
  wait "$pid" || true
}

measure sqlite "$work/bench.db"
measure postgresql "postgresql://postgres@127.0.0.1:$pg_port/bench"

echo
row "what" "requests/s" "÷ nginx"
row "nginx static 512-byte file (the machine's ceiling)" "$nginx_rps" "1"
for r in "${results[@]}"; do echo "$r"; done
