#!/usr/bin/env bash
# make bench: requests/s for /healthz and for signed-in list pages, on SQLite and on PostgreSQL, beside nginx
# serving a small static file on loopback in the same run, and the ratios. Also how long seed-demo takes for 100
# sites and 10,000 children on each. Kiosk scans: durable scans/s from 64 connections, p50/p99 at half that rate
# and at 5,000/s, beside raw single-row commits/s of SQLite (WAL, synchronous=FULL) and PostgreSQL measured in
# the same run; and the kiosk's time from Enter to the name on screen in Chromium. The morning rush: absences
# reported per second with their latency, and the roster of a 150-child site, on each database. Mail: an emergency
# message to 100,000 family members and scan → mail latency, beside smtp-source → smtp-sink's raw rate
# (BENCH_ONLY=mail runs only that). The roster of a 150-child site without and with 30 open alerts, and its size
# (BENCH_ONLY=roster runs only that). Reports: every site's register and a year's counts for 100 sites with 60 days
# of history, its backup, verify and restore beside sqlite3 .backup (and on PostgreSQL beside pg_dump), erasure of
# one site beside a VACUUM, the city overview under kiosk load, and HTTPS served by the server beside plain HTTP
# and nginx's (BENCH_ONLY=reports; BENCH_ONLY=tls for that part alone). A large city on PostgreSQL: one server and
# three behind HAProxy beside pgbench, and SQLite (BENCH_ONLY=scale). A 300-child nursery's morning: entrance
# check-ins and the notebook (BENCH_ONLY=nursery). Loopback only; every load run is bounded.
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
# Starts ./build/tadaima serve on a free port with the exported database; sets pid and base, waits for /healthz.
serve_bench() {
  local port
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" ./build/tadaima serve &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
}

echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; wrk -t2 -c$CONNECTIONS -d${DURATION}s on loopback"

# nginx serving a small static file: the ceiling of an HTTP server on this machine, measured in this run.
mkdir -p "$work/www" "$work/nginx"
chmod a+rx "$work/www"
head -c 512 /dev/zero | tr '\0' 'x' > "$work/www/hello.txt"
nginx_port=$(free_port)
nginx_tls_port=$(free_port)
# One certificate for every HTTPS measurement (nginx's and the server's own), made by openssl in this run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
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
  server { listen 127.0.0.1:$nginx_tls_port ssl; root $work/www; ssl_certificate $work/tls.pem;
           ssl_certificate_key $work/tls.key; ssl_protocols TLSv1.2 TLSv1.3; }
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

# Staff sign-in with the second factor, as with an authenticator app; prints the session cookie header.
staff_cookie() {
  local base="$1" login="$2" jar="$work/jar-$RANDOM" csrf setup secret
  csrf=$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&login_id=$login&password=tadaima-demo&next=/" "$base/login"
  setup=$(curl -fsL -c "$jar" -b "$jar" "$base/mfa?next=/")
  secret=$(echo "$setup" | sed -n 's/.*data-qa="totp-secret">\([A-Z2-7 ]*\)<.*/\1/p' | tr -d ' ')
  csrf=$(echo "$setup" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&code=$(totp "$secret")&next=/" "$base/mfa/setup"
  echo "tadaima_session=$(awk '$6 == "tadaima_session" {print $7}' "$jar")"
}

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
  local port base session cookie
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" ./build/tadaima serve &
  local pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
  # The admin signs in and sets up the second factor as with an authenticator app.
  session=$(staff_cookie "$base" admin)
  [ "$session" != "tadaima_session=" ] || { echo "bench: sign-in failed on $name" >&2; exit 1; }
  cookie="Cookie: $session"
  local h s c
  h=$(rps "$base/healthz")
  s=$(rps -H "$cookie" "$base/sites")
  c=$(rps -H "$cookie" "$base/children")
  results+=("$(row "GET /healthz on $name (ping + schema version)" "$h" "$(ratio "$h" "$nginx_rps")")")
  results+=("$(row "GET /sites signed in on $name (page of 50 of 100)" "$s" "$(ratio "$s" "$nginx_rps")")")
  results+=("$(row "GET /children signed in on $name (10,000; audited)" "$c" "$(ratio "$c" "$nginx_rps")")")
  scans "$name" "$db" "$base"
  kill "$pid"
  wait "$pid" || true
}

# Kiosk scans at site 1 (about 100 children, a card each). Every request records a row: the site's repeat
# interval is set to 0 here, so no scan is answered "already recorded" without a write.
scan_results=()
scans() {
  local name="$1" db="$2" base="$3" kiosk cards max half_delay out p50 p99 achieved
  kiosk=$(./build/tadaima kiosk create --site 1 --name "bench" 2>/dev/null)
  cards="$work/cards-$name"
  ./build/tadaima card show --site 1 > "$cards"
  if [ "$name" = sqlite ]; then
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE site SET repeat_scan_seconds = 0 WHERE id = 1"); c.commit()' "$db"
  else
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres bench -c "UPDATE site SET repeat_scan_seconds = 0 WHERE id = 1"
  fi
  export BENCH_CARDS="$cards" BENCH_KIOSK="$kiosk"
  max=$(BENCH_DELAY_MS=0 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/scans.lua "$base" | awk '/Requests\/sec/ {print $2}')
  scan_results+=("$(printf '%-58s %12s' "POST /api/v1/kiosk/scans on $name, 64 connections (scans/s)" "$max")")
  # Fixed rates: each connection waits between requests (wrk's delay()); latency percentiles from wrk --latency.
  for rate in "$(echo "$max / 2" | bc)" 5000; do
    half_delay=$(echo "$CONNECTIONS * 1000 / $rate" | bc)
    out=$(BENCH_DELAY_MS=$half_delay wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/scans.lua "$base")
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    achieved=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    scan_results+=("$(printf '%-58s %12s %10s %10s' "  at ~$rate/s on $name: achieved/s, p50, p99" "$achieved" "$p50" "$p99")")
  done
  if [ "$name" = sqlite ]; then
    local k2 lat
    k2=$(./build/tadaima kiosk create --site 1 --name "bench-browser" 2>/dev/null)
    lat=$(node bench/kiosk_latency.mjs "$base" "$k2" "$cards" 40)
    scan_results+=("$(printf '%-58s %12s %10s %10s' "kiosk in Chromium, Enter → name: scans, p50 ms, p95 ms" $lat)")
  fi
  unset BENCH_CARDS BENCH_KIOSK
}


# The morning rush and the roster of a 150-child site, on a city of two such sites: absences reported from a
# guardian's phone (each a plan change and a contact row for staff) at full speed and at a fixed rate, and the
# roster page (plans, today's changes and alerts computed for 150 children) for a carer.
plan_results=()
morning() {
  local name="$1" db="$2" port base pid jar csrf page child cookie dates out today
  export TADAIMA_DB="$db" TADAIMA_SECRET_FILE="$work/secret" TADAIMA_LOG_LEVEL=warn
  ./build/tadaima migrate >/dev/null
  ./build/tadaima seed-demo --sites 2 --children 300 >/dev/null
  # Everyone at site 1 planned for today, so the roster weighs plans and alerts for each child.
  today=$(TZ=Asia/Tokyo date +%F)
  local plan_sql="INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, leave_time, way_home, created_at, updated_at) SELECT child_id, 1, '$today', 1, '17:00', 'alone', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM child_placement WHERE site_id = 1"
  if [ "$name" = sqlite ]; then
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$db" "$plan_sql"
  else
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres bench2 -c "$plan_sql"
  fi
  serve_bench
  # The demo guardian signs in on the phone and opens the contact form of the first child.
  jar="$work/jar-guardian-$name"
  csrf=$(curl -fs -c "$jar" -b "$jar" "$base/family/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&email=guardian1@example.com&password=tadaima-demo" "$base/family/login"
  child=$(curl -fs -c "$jar" -b "$jar" "$base/family" | sed -n 's/.*href="\/family\/children\/\([0-9]*\)\/plans".*/\1/p' | head -1)
  page=$(curl -fs -c "$jar" -b "$jar" "$base/family/children/$child/contact")
  csrf=$(echo "$page" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  cookie="tadaima_family=$(awk '$6 == "tadaima_family" {print $7}' "$jar")"
  # The next 300 days the site opens (Monday to Saturday).
  dates=$(python3 -c 'import datetime as d; t=d.datetime.utcnow()+d.timedelta(hours=9); print(",".join(str((t+d.timedelta(days=i)).date()) for i in range(1, 320) if (t+d.timedelta(days=i)).weekday() != 6))')
  export BENCH_COOKIE="$cookie" BENCH_PATH="/family/children/$child/contact" BENCH_STATUS=303 BENCH_DATES="$dates" \
    BENCH_FORM="_csrf=$csrf&kind=absence&absence_reason=illness&note=bench"
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/latency.lua "$base")
  plan_results+=("$(printf '%-58s %12s %10s %10s %10s' "absences on $name, $CONNECTIONS connections: /s, p50, p95, p99 ms" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" $(echo "$out" | awk '/^LATENCY/ {print $2, $3, $4}'))")
  [ "$(echo "$out" | awk '/^LATENCY/ {print $5}')" = 0 ] || echo "bench: absences on $name: unexpected answers" >&2
  # The roster of the 150-child site for a carer, four at a time (wall screens reloading).
  unset BENCH_FORM BENCH_DATES
  export BENCH_COOKIE="$(staff_cookie "$base" staff1)" BENCH_PATH=/sites/1/roster BENCH_STATUS=200
  out=$(wrk -t2 -c4 -d"${DURATION}s" -s bench/latency.lua "$base")
  plan_results+=("$(printf '%-58s %12s %10s %10s %10s' "roster of a 150-child site on $name: /s, p50, p95, p99 ms" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" $(echo "$out" | awk '/^LATENCY/ {print $2, $3, $4}'))")
  [ "$(echo "$out" | awk '/^LATENCY/ {print $5}')" = 0 ] || echo "bench: roster on $name: unexpected answers" >&2
  unset BENCH_COOKIE BENCH_PATH BENCH_STATUS
  kill "$pid"
  wait "$pid" || true
}

# The parts underneath: single-row commits per second, one at a time, on the same disk.
raw_sqlite=$(python3 - "$work/raw.db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=FULL")
c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
n, end = 0, time.time() + 5
while time.time() < end:
    c.execute("BEGIN")
    c.execute("INSERT INTO t (v) VALUES ('x')")
    c.execute("COMMIT")
    n += 1
print(n // 5)
PY
)
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE raw" >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres raw -c "CREATE TABLE t (id bigserial PRIMARY KEY, v text)" >/dev/null
echo "INSERT INTO t (v) VALUES ('x');" > "$work/raw.sql"
raw_pg=$("$pgbin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c 1 -T 5 -f "$work/raw.sql" raw 2>/dev/null |
  awk '/^tps/ {printf "%d", $3}')

# Mail, beside postfix's smtp-sink (a mail server that accepts and discards) and smtp-source's raw rate into it:
# an emergency message from the city to every family member of 100 sites (100,000 accounts: 50,000 children with
# two each), timed from the form's POST to the last mail accepted; then kiosk scans at ~1,000/s at a site whose
# children have two family members each, timed from each scan's notification to its mail accepted. SQLite.
mail_results=()
mailbench() {
  local sink_port db port base pid session csrf start total sent elapsed kiosk cards delay out rss
  sink_port=$(free_port)
  local as_user=()
  [ "$(id -u)" = 0 ] && as_user=(-u nobody)
  /usr/sbin/smtp-sink "${as_user[@]}" "127.0.0.1:$sink_port" 1024 &
  pids+=($!)
  for _ in $(seq 1 100); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$sink_port" 2>/dev/null && break; sleep 0.1; done
  for sessions in 1 4; do
    start=$(date +%s.%N)
    /usr/sbin/smtp-source -s "$sessions" -m 20000 -l 1500 -f bench@example.test -t sink@example.test "127.0.0.1:$sink_port"
    elapsed=$(echo "$(date +%s.%N) - $start" | bc)
    mail_results+=("$(printf '%-58s %12.0f' "raw smtp-source → smtp-sink, $sessions session(s) (mails/s)" "$(echo "20000 / $elapsed" | bc -l)")")
  done

  db="$work/mail.db"
  export TADAIMA_DB="$db" TADAIMA_SECRET_FILE="$work/secret" TADAIMA_LOG_LEVEL=warn
  ./build/tadaima migrate >/dev/null
  start=$(date +%s.%N)
  ./build/tadaima seed-demo --sites 100 --children 50000 >/dev/null
  printf 'bench: seed-demo 100 sites / 50,000 children: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
  # Two confirmed family accounts per child (dummy addresses; they never sign in).
  python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
t = "2026-01-01T00:00:00.000Z"
kids = [r[0] for r in c.execute("SELECT DISTINCT child_id FROM child_placement ORDER BY child_id")]
for i, child in enumerate(kids):
    for k in (1, 2):
        cur = c.execute("INSERT INTO guardian_account (email, display_name, password_hash, language, confirmed_at, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, ?, ?)",
                        (f"family{i}-{k}@example.test", f"ベンチ 家族{i}-{k}", "ja" if k == 1 else "en", t, t, t))
        c.execute("INSERT INTO guardian_account_child (account_id, child_id, role, created_at) VALUES (?, ?, ?, ?)",
                  (cur.lastrowid, child, "full" if k == 1 else "family", t))
# The monthly plan reminders (due from the 20th) would go out beside the broadcast: measured apart, so off here.
c.execute("UPDATE site SET plan_reminder_day = 0")
c.commit()
print(f"bench: {2 * len(kids)} family accounts", file=sys.stderr)
PY
  total=$(sqlite3 "$db" "SELECT COUNT(DISTINCT account_id) FROM guardian_account_child WHERE ended_at IS NULL")
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" TADAIMA_SMTP_URL="smtp://127.0.0.1:$sink_port" ./build/tadaima serve &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
  session=$(staff_cookie "$base" admin)
  csrf=$(curl -fs -H "Cookie: $session" "$base/city/messages/new" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -o /dev/null -H "Cookie: $session" -F "_csrf=$csrf" -F scope=all -F emergency=1 -F confirm_city=1 \
    -F "subject=【緊急】台風接近のため本日は全施設15時で閉所します" -F "body=お迎えをお願いします。詳細は各施設からお知らせします。" \
    "$base/city/messages"
  # Every family member's mail handed to the mail server (bounded wait).
  for _ in $(seq 1 600); do
    sent=$(sqlite3 "$db" "SELECT COUNT(*) FROM notification_recipient WHERE email_state = 'sent'")
    [ "$sent" -ge "$total" ] && break
    sleep 0.5
  done
  elapsed=$(sqlite3 "$db" "SELECT (julianday(MAX(r.email_at)) - julianday(m.created_at)) * 86400 FROM notification_recipient r JOIN notification n ON n.id = r.notification_id JOIN message m ON m.id = n.message_id")
  rss=$(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1 / 1024}')
  mail_results+=("$(printf '%-58s %12s %10.1f %10s' "emergency to every family: mails sent, s to the last, MiB RSS" "$sent/$total" "$elapsed" "$rss")")
  mail_results+=("$(printf '%-58s %12.0f' "  = mails/s" "$(echo "$sent / $elapsed" | bc -l)")")

  # Scans at ~1,000/s at site 1 (500 children, two family members each: ~2,000 mails/s).
  kiosk=$(./build/tadaima kiosk create --site 1 --name "bench" 2>/dev/null)
  cards="$work/cards-mail"
  ./build/tadaima card show --site 1 > "$cards"
  sqlite3 "$db" "UPDATE site SET repeat_scan_seconds = 0 WHERE id = 1"
  local first_scan_notice
  first_scan_notice=$(sqlite3 "$db" "SELECT COALESCE(MAX(id), 0) FROM notification")
  delay=$(echo "$CONNECTIONS * 1000 / 1000" | bc)
  out=$(BENCH_CARDS="$cards" BENCH_KIOSK="$kiosk" BENCH_DELAY_MS=$delay wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/scans.lua "$base")
  for _ in $(seq 1 600); do
    total=$(sqlite3 "$db" "SELECT COUNT(*) FROM notification_recipient WHERE notification_id > $first_scan_notice")
    sent=$(sqlite3 "$db" "SELECT COUNT(*) FROM notification_recipient WHERE notification_id > $first_scan_notice AND email_state = 'sent'")
    [ "$sent" -ge "$total" ] && break
    sleep 0.5
  done
  local lat
  lat=$(python3 - "$db" "$first_scan_notice" <<'PY'
import sqlite3, sys, datetime as d
c = sqlite3.connect(sys.argv[1])
p = lambda s: d.datetime.fromisoformat(s.replace("Z", "+00:00"))
xs = sorted((p(r[1]) - p(r[0])).total_seconds() * 1000 for r in c.execute(
    "SELECT n.created_at, r.email_at FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
    "WHERE n.id > ? AND r.email_state = 'sent'", (int(sys.argv[2]),)))
q = lambda f: xs[min(len(xs) - 1, int(f * len(xs)))] if xs else float("nan")
print(f"{q(0.5):.0f} {q(0.99):.0f}")
PY
)
  mail_results+=("$(printf '%-58s %12s' "scans at ~1,000/s: achieved scans/s" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')")")
  mail_results+=("$(printf '%-58s %12s %10s %10s' "  scan → mail accepted: mails, p50 ms, p99 ms" "$sent/$total" $lat)")
  kill "$pid"
  wait "$pid" || true
}

# The roster when the alerts fire (issue 15): one 150-child site, every child planned for today, first with all of
# them arrived (no alert: the everyday page), then with 30 of them missing (30 open alerts, each with the family's
# phones and its answers). Requests/s, p50 and p99 with four wall screens reloading, and the page's size in bytes.
# The site opens all day today and has no dismissal times, so "missing" does not depend on the hour the bench runs.
roster_results=()
alerts_roster() {
  local db port base pid today wd out bytes site login label alerts bin which n=0
  # BENCH_BASELINE=path/to/an/older/tadaima measures the same pages as that build draws them, in the same run, on a
  # database of its own made by its own migrate and seed-demo (an older build refuses a newer schema).
  for bin in ./build/tadaima ${BENCH_BASELINE:-}; do
  which=$([ "$bin" = ./build/tadaima ] && echo "" || echo " (baseline)")
  n=$((n + 1))
  db="$work/roster-$n.db"
  export TADAIMA_DB="$db" TADAIMA_SECRET_FILE="$work/secret-roster-$n" TADAIMA_LOG_LEVEL=warn
  "$bin" migrate >/dev/null
  "$bin" seed-demo --sites 2 --children 300 >/dev/null
  today=$(TZ=Asia/Tokyo date +%F)
  wd=$(TZ=Asia/Tokyo date +%w)
  # Site 1: every child planned and arrived. Site 2: every child planned, all but the first 30 arrived.
  python3 - "$db" "$today" "$wd" <<'PY'
import sqlite3, sys
db, day, wd = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(db)
stamp = '2026-01-01T00:00:00.000Z'
for site, missing in ((1, 0), (2, 30)):
    c.execute("DELETE FROM site_dismissal WHERE site_id = ?", (site,))
    c.execute("DELETE FROM site_closure WHERE site_id = ?", (site,))
    c.execute("INSERT OR REPLACE INTO site_opening_hours (site_id, weekday, opens_at, closes_at, created_at) VALUES (?, ?, '00:00', '23:59', ?)", (site, wd, stamp))
    kids = [r[0] for r in c.execute("SELECT child_id FROM child_placement WHERE site_id = ? ORDER BY child_id", (site,))]
    for i, k in enumerate(kids):
        c.execute("INSERT OR REPLACE INTO attendance_plan (child_id, site_id, plan_date, attending, leave_time, way_home, created_at, updated_at) VALUES (?, ?, ?, 1, '17:00', 'alone', ?, ?)", (k, site, day, stamp, stamp))
        if i >= missing:
            c.execute("INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, created_at) VALUES (?, ?, ?, 'in', ?, 'staff', ?)", (k, site, day, stamp, stamp))
c.commit()
PY
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" "$bin" serve &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
  for site in 1 2; do
    login=staff$site
    label=$([ $site = 1 ] && echo "no alert" || echo "30 open alerts")
    export BENCH_COOKIE="$(staff_cookie "$base" $login)" BENCH_PATH=/sites/$site/roster BENCH_STATUS=200
    bytes=$(curl -fs -H "Cookie: $BENCH_COOKIE" "$base/sites/$site/roster" | wc -c)
    alerts=$(curl -fs -H "Cookie: $BENCH_COOKIE" "$base/sites/$site/roster" | sed -n 's/.*data-count="alert">\([0-9]*\)<.*/\1/p')
    [ -n "$which" ] || [ "${alerts:-0}" = "$([ $site = 1 ] && echo 0 || echo 30)" ] \
      || echo "bench: site $site's roster shows ${alerts:-0} alerts" >&2
    out=$(wrk -t2 -c4 -d"${DURATION}s" -s bench/latency.lua "$base")
    roster_results+=("$(printf '%-58s %12s %10s %10s %10s' "roster, 150 children, $label$which: /s, p50, p99 ms, bytes" \
      "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" $(echo "$out" | awk '/^LATENCY/ {print $2, $4}') "$bytes")")
    [ "$(echo "$out" | awk '/^LATENCY/ {print $5}')" = 0 ] || echo "bench: roster ($label): unexpected answers" >&2
  done
  unset BENCH_COOKIE BENCH_PATH BENCH_STATUS
  kill "$pid"
  wait "$pid" || true
  done
}

# Reports (issue 16) on SQLite, for a city of 100 sites and 10,000 children with 60 days of history: every site's
# register of last month as one XLSX and as one PDF, and the fiscal year's counts, by the command line (seconds and
# peak RSS, /usr/bin/time), beside the raw read rate of the attendance record measured in the same run; then the
# city overview for the municipal admin, p50/p99 with 64 connections while a kiosk scans at ~1,000/s.
report_results=()
reports_bench() {
  local db="$work/reports.db" start month fy rows raw fmt out base pid kiosk cards scan_out ov_out
  export TADAIMA_DB="$db" TADAIMA_SECRET_FILE="$work/secret-reports" TADAIMA_LOG_LEVEL=warn
  ./build/tadaima migrate >/dev/null
  start=$(date +%s.%N)
  ./build/tadaima seed-demo --sites 100 --children 10000 --history-days 60 >/dev/null
  printf 'bench: seed-demo 100 sites / 10,000 children / 60 days of history: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
  month=$(TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%Y-%m-01) -1 day" +%Y-%m)
  fy=$(TZ=Asia/Tokyo date +%Y)
  [ "$(TZ=Asia/Tokyo date +%m)" -lt 4 ] && fy=$((fy - 1))
  rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM attendance_event WHERE facility_date LIKE '$month-%'")
  # The part underneath: the attendance record's rows read through SQLite (Python's sqlite3), columns as the
  # register reads them, a whole pass over the table.
  raw=$(python3 - "$db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
start, n = time.time(), 0
for _ in range(3):
    for r in c.execute("SELECT child_id, site_id, facility_date, kind, occurred_at FROM attendance_event"):
        n += 1
print(int(n / (time.time() - start)))
PY
)
  report_results+=("$(printf '%-58s %12s' "raw read of attendance_event, Python sqlite3 (rows/s)" "$raw")")
  report_results+=("$(printf '%-58s %12s' "  attendance rows in $month (what the registers read)" "$rows")")
  for fmt in xlsx pdf; do
    out=$( { /usr/bin/time -f "%e %M" ./build/tadaima report register --month "$month" --format $fmt >"$work/registers.$fmt"; } 2>&1 | tail -1)
    report_results+=("$(printf '%-58s %12s %10s %10s' "every site's register of $month as $fmt: s, MiB RSS, bytes" \
      "$(echo "$out" | awk '{print $1}')" "$(echo "$out" | awk '{printf "%.0f", $2 / 1024}')" "$(stat -c %s "$work/registers.$fmt")")")
  done
  out=$( { /usr/bin/time -f "%e %M" ./build/tadaima report counts --year "$fy" --format xlsx >"$work/year.xlsx"; } 2>&1 | tail -1)
  report_results+=("$(printf '%-58s %12s %10s' "the city's counts for fiscal $fy (xlsx): s, MiB RSS" \
    "$(echo "$out" | awk '{print $1}')" "$(echo "$out" | awk '{printf "%.0f", $2 / 1024}')")")
  # Backup, verify and restore of this city, beside sqlite3's own .backup of the same database in this run.
  local t0 t1
  t0=$(date +%s.%N); sqlite3 "$db" ".backup $work/city-sqlite3.db"; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s' "sqlite3 .backup of the city: s, bytes" "$(echo "$t1 - $t0" | bc)" "$(stat -c %s "$work/city-sqlite3.db")")")
  t0=$(date +%s.%N); ./build/tadaima backup "$work/city-backup.db" >/dev/null; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s' "tadaima backup of the city: s, bytes" "$(echo "$t1 - $t0" | bc)" "$(stat -c %s "$work/city-backup.db")")")
  t0=$(date +%s.%N); ./build/tadaima backup verify "$work/city-backup.db" >/dev/null; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f' "tadaima backup verify (integrity, audit chain): s" "$(echo "$t1 - $t0" | bc)")")
  t0=$(date +%s.%N); TADAIMA_DB="$work/city-restored.db" ./build/tadaima restore "$work/city-backup.db" >/dev/null; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f' "tadaima restore into an empty database: s" "$(echo "$t1 - $t0" | bc)")")
  # The same city on PostgreSQL: tadaima backup (pg_dump's custom format underneath) beside pg_dump itself on the
  # same database in this run, then tadaima restore of it into an empty database.
  local pgcity="postgresql://postgres@127.0.0.1:$pg_port/city"
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE city" >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE city_restored" >/dev/null
  TADAIMA_DB="$pgcity" ./build/tadaima migrate >/dev/null
  start=$(date +%s.%N)
  TADAIMA_DB="$pgcity" ./build/tadaima seed-demo --sites 100 --children 10000 --history-days 60 >/dev/null
  printf 'bench: the same city seeded into PostgreSQL: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
  t0=$(date +%s.%N); "$pgbin/pg_dump" -Fc -h 127.0.0.1 -p "$pg_port" -U postgres -f "$work/city-pg_dump.dump" city; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s' "pg_dump -Fc of the city on PostgreSQL: s, bytes" "$(echo "$t1 - $t0" | bc)" "$(stat -c %s "$work/city-pg_dump.dump")")")
  t0=$(date +%s.%N); TADAIMA_DB="$pgcity" ./build/tadaima backup "$work/city-pg.backup" >/dev/null; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s' "tadaima backup of the city on PostgreSQL: s, bytes" "$(echo "$t1 - $t0" | bc)" "$(stat -c %s "$work/city-pg.backup")")")
  t0=$(date +%s.%N); TADAIMA_DB="postgresql://postgres@127.0.0.1:$pg_port/city_restored" ./build/tadaima restore "$work/city-pg.backup" >/dev/null; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f' "tadaima restore on PostgreSQL into an empty database: s" "$(echo "$t1 - $t0" | bc)")")
  rm -f "$work/city-pg_dump.dump" "$work/city-pg.backup"
  # Erasure of one site (its children, families, staff), on the restored copy, beside a bare VACUUM of the same
  # database by sqlite3 in this run (the part underneath: erase rebuilds the file the same way after deleting).
  t0=$(date +%s.%N); sqlite3 "$work/city-sqlite3.db" "VACUUM"; t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s' "sqlite3 VACUUM of the city: s, bytes after" "$(echo "$t1 - $t0" | bc)" \
    "$(stat -c %s "$work/city-sqlite3.db")")")
  local before; before=$(stat -c %s "$work/city-restored.db")
  t0=$(date +%s.%N)
  TADAIMA_DB="$work/city-restored.db" ./build/tadaima erase --site 1 --request bench --out "$work/erasure-bench" >/dev/null
  t1=$(date +%s.%N)
  report_results+=("$(printf '%-58s %12.2f %10s %10s' "tadaima erase --site 1 (of 100): s, bytes before, after" "$(echo "$t1 - $t0" | bc)" \
    "$before" "$(stat -c %s "$work/city-restored.db")")")
  rm -f "$work"/erasure-bench.*
  rm -f "$work"/city-*.db*
  # The overview while the kiosks scan.
  serve_bench
  kiosk=$(./build/tadaima kiosk create --site 1 --name "bench" 2>/dev/null)
  cards="$work/cards-reports"
  ./build/tadaima card show --site 1 > "$cards"
  sqlite3 "$db" "UPDATE site SET repeat_scan_seconds = 0 WHERE id = 1"
  export BENCH_COOKIE="$(staff_cookie "$base" admin)" BENCH_PATH=/overview BENCH_STATUS=200
  # The part underneath: the same page's bytes as a static file from nginx, 64 connections, in this run.
  curl -fs -H "Cookie: $BENCH_COOKIE" -o "$work/www/overview.html" "$base/overview"
  chmod a+r "$work/www/overview.html"
  ov_out=$(BENCH_PATH=/overview.html wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/latency.lua "http://127.0.0.1:$nginx_port")
  report_results+=("$(printf '%-58s %12s %10s %10s' "  nginx: the same $(stat -c %s "$work/www/overview.html") bytes static: /s, p50, p99 ms" \
    "$(echo "$ov_out" | awk '/Requests\/sec/ {print $2}')" $(echo "$ov_out" | awk '/^LATENCY/ {print $2, $4}'))")
  # First with no scans, for what the page costs by itself.
  ov_out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/latency.lua "$base")
  report_results+=("$(printf '%-58s %12s %10s %10s' "overview of 100 sites, 64 connections, no scans: /s, p50, p99" \
    "$(echo "$ov_out" | awk '/Requests\/sec/ {print $2}')" $(echo "$ov_out" | awk '/^LATENCY/ {print $2, $4}'))")
  BENCH_CARDS="$cards" BENCH_KIOSK="$kiosk" BENCH_DELAY_MS=$((CONNECTIONS * 1000 / 1000)) \
    wrk -t1 -c"$CONNECTIONS" -d"$((DURATION + 2))s" -s bench/scans.lua "$base" > "$work/scans-during-overview" &
  local scans_pid=$!
  ov_out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/latency.lua "$base")
  wait "$scans_pid" || true
  scan_out=$(awk '/Requests\/sec/ {print $2}' "$work/scans-during-overview")
  report_results+=("$(printf '%-58s %12s %10s %10s' "overview of 100 sites, 64 connections: /s, p50, p99 ms" \
    "$(echo "$ov_out" | awk '/Requests\/sec/ {print $2}')" $(echo "$ov_out" | awk '/^LATENCY/ {print $2, $4}'))")
  report_results+=("$(printf '%-58s %12s %10s %10s' "  kiosk scans meanwhile (asked ~1,000/s): achieved/s, p50, p99" "$scan_out" \
    $(awk '/^SCANS/ {print $2, $3}' "$work/scans-during-overview"))")
  [ "$(echo "$ov_out" | awk '/^LATENCY/ {print $5}')" = 0 ] || echo "bench: overview: unexpected answers" >&2
  # What 64 open overview pages ask while site 1's kiosk scans: each the changed site's figures every 2 s.
  BENCH_CARDS="$cards" BENCH_KIOSK="$kiosk" BENCH_DELAY_MS=$((CONNECTIONS * 1000 / 1000)) \
    wrk -t1 -c"$CONNECTIONS" -d"$((DURATION + 2))s" -s bench/scans.lua "$base" > "$work/scans-during-overview" &
  scans_pid=$!
  ov_out=$(BENCH_PATH="/overview/figures?sites=1" BENCH_DELAY_MS=2000 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/latency.lua "$base")
  wait "$scans_pid" || true
  report_results+=("$(printf '%-58s %12s %10s %10s' "  64 live pages' figures every 2 s meanwhile: /s, p50, p99 ms" \
    "$(echo "$ov_out" | awk '/Requests\/sec/ {print $2}')" $(echo "$ov_out" | awk '/^LATENCY/ {print $2, $4}'))")
  report_results+=("$(printf '%-58s %12s %10s %10s' "  kiosk scans meanwhile (asked ~1,000/s): achieved/s, p50, p99" \
    "$(awk '/Requests\/sec/ {print $2}' "$work/scans-during-overview")" $(awk '/^SCANS/ {print $2, $3}' "$work/scans-during-overview"))")
  unset BENCH_COOKIE BENCH_PATH BENCH_STATUS
  kill "$pid"
  wait "$pid" || true
  tls_bench
}

# HTTPS served by the server itself beside plain HTTP, the same request on the same database in this run (64
# keep-alive connections: the handshake once per connection, then TLS records); beside it the part underneath:
# nginx serving the same page's bytes over HTTPS and over HTTP, whose ratio is what TLS costs on this machine with
# wrk's own decryption on the same two cores.
tls_bench() {
  local plain_rps tls_rps tls_port tls_pid nginx_plain nginx_tls
  serve_bench
  plain_rps=$(rps "$base/login")
  curl -fs -o "$work/www/login.html" "$base/login"
  kill "$pid"; wait "$pid" || true
  nginx_plain=$(rps "http://127.0.0.1:$nginx_port/login.html")
  nginx_tls=$(rps "https://127.0.0.1:$nginx_tls_port/login.html")
  tls_port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$tls_port" TADAIMA_TLS_CERT="$work/tls.pem" TADAIMA_TLS_KEY="$work/tls.key" ./build/tadaima serve &
  tls_pid=$!
  pids+=("$tls_pid")
  for _ in $(seq 1 100); do curl -fs --cacert "$work/tls.pem" -o /dev/null "https://127.0.0.1:$tls_port/healthz" && break; sleep 0.1; done
  tls_rps=$(rps "https://127.0.0.1:$tls_port/login")
  kill "$tls_pid"; wait "$tls_pid" || true
  report_results+=("$(printf '%-58s %12s' "GET /login over plain HTTP: /s" "$plain_rps")")
  report_results+=("$(printf '%-58s %12s %10s' "GET /login over HTTPS (TLS 1.3, served itself): /s, ÷ plain" "$tls_rps" "$(ratio "$tls_rps" "$plain_rps")")")
  report_results+=("$(printf '%-58s %12s' "  nginx: the same $(stat -c %s "$work/www/login.html") bytes static over HTTP: /s" "$nginx_plain")")
  report_results+=("$(printf '%-58s %12s %10s' "  nginx: the same bytes over HTTPS (TLS 1.3): /s, ÷ HTTP" "$nginx_tls" "$(ratio "$nginx_tls" "$nginx_plain")")")
}

# A large city on PostgreSQL (issue 18): durable scans/s from 64 connections spread over the kiosks of ten sites, with
# one server and with three behind HAProxy (health checks on /healthz), p50/p99 at 2,000 scans/s, beside pgbench's
# single-row commits with 1 and 64 clients in the same run, and the same city on SQLite with one server.
scale_results=()
scale_bench() {
  local pgscale="postgresql://postgres@127.0.0.1:$pg_port/scale" cards="$work/scale-cards" out p50 p99 max
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE scale" >/dev/null
  # The city's kiosks, one per site, and every child's card with its site's kiosk, shuffled (a city's morning).
  scale_city() {
    ./build/tadaima migrate >/dev/null
    # A city in use: four weeks of history, so that the planner's statistics and the indexes are a real city's.
    ./build/tadaima seed-demo --sites 20 --children 2000 --history-days 28 >/dev/null
    : > "$cards.tmp"
    for site in $(seq 1 10); do
      local k
      k=$(./build/tadaima kiosk create --site "$site" --name "scale" 2>/dev/null)
      ./build/tadaima card show --site "$site" | awk -v k="$k" '{print $1, $2, k}' >> "$cards.tmp"
    done
    shuf --random-source=<(yes) "$cards.tmp" > "$cards"
  }
  scale_run() {  # base label
    # Warm first (each connection prepares its statements; the servers' first sweep and jobs run at start).
    BENCH_DELAY_MS=0 BENCH_CARDS="$cards" wrk -t2 -c"$CONNECTIONS" -d3s -s bench/scans.lua "$1" >/dev/null
    max=$(BENCH_DELAY_MS=0 BENCH_CARDS="$cards" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/scans.lua "$1" | awk '/Requests\/sec/ {print $2}')
    # Paced at 2,000/s: each connection waits between an answer and its next scan; the answers' own time slows
    # that pace, so a first run measures it and the second waits that much less.
    local wait_ms=$((CONNECTIONS * 1000 / 2000)) rate
    rate=$(BENCH_DELAY_MS=$wait_ms BENCH_CARDS="$cards" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/scans.lua "$1" | awk '/Requests\/sec/ {print $2}')
    wait_ms=$(awk -v c="$CONNECTIONS" -v r="$rate" -v w="$wait_ms" 'BEGIN { d = 2 * w - c * 1000 / r; print (d > 0 ? int(d + 0.5) : 0) }')
    out=$(BENCH_DELAY_MS=$wait_ms BENCH_CARDS="$cards" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/scans.lua "$1")
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    scale_results+=("$(printf '%-58s %12s %10s %10s %10s' "$2" "$max" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$p50" "$p99")")
  }
  export TADAIMA_DB="$pgscale" TADAIMA_SECRET_FILE="$work/secret-scale" TADAIMA_DATA_KEYS_FILE="$work/keys-scale" TADAIMA_LOG_LEVEL=error
  scale_city
  # VACUUM ANALYZE, as autovacuum leaves a database in steady state (right after the seed it would run during the
  # measurement).
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres scale -c "UPDATE site SET repeat_scan_seconds = 0" -c "VACUUM ANALYZE" >/dev/null
  local ports=() spids=() i
  for i in 1 2 3; do
    ports+=("$(free_port)")
    TADAIMA_NODE_ID="node$i" TADAIMA_LISTEN="127.0.0.1:${ports[-1]}" TADAIMA_MAIL_DIR="$work/scale-mail" ./build/tadaima serve &
    spids+=($!); pids+=($!)
    wait_http "http://127.0.0.1:${ports[-1]}/healthz"
  done
  # One server alone first (the others idle), then all three behind the balancer.
  scale_run "http://127.0.0.1:${ports[0]}" "PostgreSQL, one server: scans/s; at 2,000/s: /s, p50, p99"
  local lb_port
  lb_port=$(free_port)
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n'
    printf '  timeout server 60s\n  retries 3\n  option redispatch\n'
    printf 'frontend web\n  bind 127.0.0.1:%s\n  default_backend app\n' "$lb_port"
    printf 'backend app\n  balance roundrobin\n  option httpchk GET /healthz\n  default-server inter 1s fall 2 rise 1\n'
    for i in 0 1 2; do printf '  server s%s 127.0.0.1:%s check\n' "$i" "${ports[$i]}"; done
  } > "$work/haproxy.cfg"
  /usr/sbin/haproxy -db -q -f "$work/haproxy.cfg" &
  pids+=($!)
  wait_http "http://127.0.0.1:$lb_port/healthz"
  scale_run "http://127.0.0.1:$lb_port" "PostgreSQL, three servers behind HAProxy: the same"
  for i in "${spids[@]}"; do kill "$i"; wait "$i" || true; done
  local pg1 pg64
  pg1=$("$pgbin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c 1 -T "$DURATION" -f "$work/raw.sql" raw 2>/dev/null | awk '/^tps/ {printf "%d", $3}')
  pg64=$("$pgbin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c 64 -j 2 -T "$DURATION" -f "$work/raw.sql" raw 2>/dev/null | awk '/^tps/ {printf "%d", $3}')
  scale_results+=("$(printf '%-58s %12s' "pgbench single-row commits/s, 1 client" "$pg1")")
  scale_results+=("$(printf '%-58s %12s' "pgbench single-row commits/s, 64 clients" "$pg64")")
  local one
  one=$(echo "${scale_results[0]}" | awk '{print $(NF-3)}')
  scale_results+=("$(printf '%-58s %12s' "  one server ÷ pgbench 1 client (aim ≥ 0.5)" "$(ratio "$one" "$pg1")")")
  # The same city on SQLite, one server.
  export TADAIMA_DB="$work/scale.db" TADAIMA_SECRET_FILE="$work/secret-scale-sqlite" TADAIMA_DATA_KEYS_FILE="$work/keys-scale-sqlite"
  scale_city
  python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE site SET repeat_scan_seconds = 0"); c.commit()' "$work/scale.db"
  local sp
  sp=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$sp" TADAIMA_MAIL_DIR="$work/scale-mail" ./build/tadaima serve &
  local spid=$!
  pids+=("$spid")
  wait_http "http://127.0.0.1:$sp/healthz"
  scale_run "http://127.0.0.1:$sp" "SQLite, one server: the same"
  kill "$spid"; wait "$spid" || true
  unset TADAIMA_DB TADAIMA_SECRET_FILE TADAIMA_DATA_KEYS_FILE TADAIMA_LOG_LEVEL
}

# A 300-child nursery's morning (issue 19) on SQLite: every family checks in at the entrance tablet with its PIN
# (lookup and stamp), arrival and pick-up, 16 at once; then home sides of the contact notebook at 50/s while a carer's
# tablet reloads the class's day; photos; the nap hour's check taps and the nap sweep's cost for 20 nurseries. Beside
# the raw single-row commit rate measured in this run.
nursery_results=()
nursery_bench() {
  local port pid base credential out
  export TADAIMA_DB="$work/nursery.db" TADAIMA_SECRET_FILE="$work/secret-nursery" \
    TADAIMA_DATA_KEYS_FILE="$work/keys-nursery" TADAIMA_LOG_LEVEL=warn
  ./build/tadaima migrate >/dev/null
  ./build/tadaima seed-demo --sites 3 --children 900 --registered 100 >/dev/null
  python3 - "$work/nursery.db" "$work/nursery-emails" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT DISTINCT a.email FROM guardian_account a JOIN guardian_account_child l ON l.account_id = a.id "
                 "JOIN child_placement p ON p.child_id = l.child_id WHERE p.site_id = 3 ORDER BY a.email").fetchall()
open(sys.argv[2], "w").write("\n".join(r[0] for r in rows) + "\n")
PY
  credential=$(./build/tadaima kiosk create --site 3 --name bench | tail -1)
  port=$(free_port)
  TADAIMA_LISTEN="127.0.0.1:$port" TADAIMA_MAIL_DIR="$work/nursery-mail" ./build/tadaima serve &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz"
  out=$(node bench/nursery.mjs "$base" "$credential" "$work/nursery-emails" 3)
  nursery_results+=("$(printf '%-58s %12s' "families with children at the 300-child nursery" "$(echo "$out" | awk '/^families/ {print $2}')")")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "entrance check-ins (PIN), arrival: /s, p50, p99 ms" $(echo "$out" | awk '/^checkin_in/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "entrance check-ins (PIN), pick-up: /s, p50, p99 ms" $(echo "$out" | awk '/^checkin_out/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "notebook home sides sent (asked 50/s): /s, p50, p99 ms" $(echo "$out" | awk '/^home_sides/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  the class's day meanwhile: loads, p50, p99 ms" $(echo "$out" | awk '/^class_page/ {print $2, $3, $4}'))")
  # A 12-megapixel HEIC as an iPhone makes it (a generated picture: gradients and texture), and the part underneath:
  # libheif alone decoding it to a JPEG (heif-convert), timed in this run.
  python3 bench/photo_y4m.py "$work/photo.y4m"
  heif-enc -q 50 -o "$work/photo.heic" "$work/photo.y4m" >/dev/null
  local t0 t1
  t0=$(date +%s%N)
  heif-convert "$work/photo.heic" "$work/photo-convert.jpg" >/dev/null
  t1=$(date +%s%N)
  out=$(node bench/photos.mjs "$base" "$pid" "$work/photo.heic" 3 10)
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "12 MP HEIC photo upload (one at a time): n, p50, max ms" $(echo "$out" | awk '/^photo_upload/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  upload to the served JPEG received: p50, max ms" "" $(echo "$out" | awk '/^photo_served/ {print $2, $3}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  server memory: RSS before, peak after (MiB); file MB" $(echo "$out" | awk '/^photo_memory/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s' "  libheif alone (heif-convert to JPEG): ms" "$(( (t1 - t0) / 1000000 ))")")
  # The nap hour (issue 20): every child laid down, a carer per class tapping checks while each class's tablet
  # reloads its page every two seconds with the live stream open.
  out=$(node bench/naps.mjs "$base" 3 20)
  nursery_results+=("$(printf '%-58s %12s %10s' "nap hour: children asleep, classes" $(echo "$out" | awk '/^naps_children/ {print $2, $3}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  nap check taps (a carer per class): /s, p50, p99 ms" $(echo "$out" | awk '/^nap_taps/ {print $2, $3, $4}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  each class's page meanwhile: loads, p50, p99 ms" $(echo "$out" | awk '/^nap_pages/ {print $2, $3, $4}'))")
  kill "$pid"
  wait "$pid" || true
  # The nap sweep's cost for 20 nurseries of 300 children, all asleep with a check missed: the first sweep records
  # 6,000 missed checks, the next (nothing new: what every 30 seconds costs in a long nap hour) only reads.
  export TADAIMA_DB="$work/naps20.db" TADAIMA_SECRET_FILE="$work/secret-naps20"
  ./build/tadaima migrate >/dev/null
  ./build/tadaima seed-demo --sites 60 --children 18000 --registered 0 >/dev/null
  python3 - "$work/naps20.db" <<'PY'
import sqlite3, sys, datetime
c = sqlite3.connect(sys.argv[1])
start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=9)).strftime("%Y-%m-%d")
rows = c.execute("SELECT p.child_id, p.site_id FROM child_placement p JOIN site s ON s.id = p.site_id AND s.kind = 'nursery'").fetchall()
c.executemany("INSERT INTO nap (child_id, site_id, nap_date, interval_minutes, started_at, created_at, updated_at) "
              "VALUES (?, ?, ?, 5, ?, ?, ?)", [(ch, s, today, start, start, start) for ch, s in rows])
c.commit()
PY
  local first second
  first=$(./build/tadaima naps sweep)
  second=$(./build/tadaima naps sweep)
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "nap sweep, 20 nurseries: open naps, recorded, ms (first)" $(echo "$first" | awk '{print $8, $3, $12}'))")
  nursery_results+=("$(printf '%-58s %12s %10s %10s' "  the next sweep (nothing new): open naps, recorded, ms" $(echo "$second" | awk '{print $8, $3, $12}'))")
  unset TADAIMA_DB TADAIMA_SECRET_FILE TADAIMA_DATA_KEYS_FILE TADAIMA_LOG_LEVEL
}

if [ "${BENCH_ONLY:-}" = nursery ]; then
nursery_bench
elif [ "${BENCH_ONLY:-}" = roster ]; then
alerts_roster
elif [ "${BENCH_ONLY:-}" = reports ]; then
reports_bench
elif [ "${BENCH_ONLY:-}" = scale ]; then
scale_bench
elif [ "${BENCH_ONLY:-}" = tls ]; then
export TADAIMA_DB="$work/tls.db" TADAIMA_SECRET_FILE="$work/secret-tls" TADAIMA_LOG_LEVEL=warn
./build/tadaima migrate >/dev/null
./build/tadaima seed-demo --sites 3 --children 30 >/dev/null
tls_bench
elif [ "${BENCH_ONLY:-}" != mail ]; then
nursery_bench
alerts_roster
reports_bench
measure sqlite "$work/bench.db"
measure postgresql "postgresql://postgres@127.0.0.1:$pg_port/bench"
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE bench2" >/dev/null
morning sqlite "$work/bench2.db"
morning postgresql "postgresql://postgres@127.0.0.1:$pg_port/bench2"
scale_bench
fi
[ -n "${BENCH_ONLY:-}" ] && [ "${BENCH_ONLY}" != mail ] || mailbench

echo
row "what" "requests/s" "÷ nginx"
row "nginx static 512-byte file (the machine's ceiling)" "$nginx_rps" "1"
for r in "${results[@]}"; do echo "$r"; done
echo
printf '%-58s %12s\n' "raw SQLite single-row commits/s (WAL, synchronous=FULL)" "$raw_sqlite"
printf '%-58s %12s\n' "raw PostgreSQL single-row commits/s (pgbench, 1 client)" "$raw_pg"
for r in "${scan_results[@]}"; do echo "$r"; done
for r in "${plan_results[@]}"; do echo "$r"; done
for r in "${roster_results[@]}"; do echo "$r"; done
for r in "${nursery_results[@]}"; do echo "$r"; done
for r in "${report_results[@]}"; do echo "$r"; done
if [ ${#scale_results[@]} -gt 0 ]; then
  printf '\n%-58s %12s %10s %10s %10s\n' "large city (ten sites' kiosks, 64 connections)" "max/s" "at 2k: /s" "p50" "p99"
  for r in "${scale_results[@]}"; do echo "$r"; done
fi
for r in "${mail_results[@]}"; do echo "$r"; done
