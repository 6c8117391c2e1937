#!/usr/bin/env bash
# Load test against the demo: the dashboard page and the other pages people read (signed in with a
# session, as a browser is), the API's dashboard data (status of the current half-year) and a
# typical write (a measurement), 100 connections each (the pages: 10), with wrk.
#
#   scripts/load-test.sh                       # SQLite (a fresh file in a temporary folder)
#   scripts/load-test.sh postgres://root@127.0.0.1:5432/mieruka_load   # an EMPTY PostgreSQL database
#
# Needs wrk (Debian: apt-get install wrk). Builds mieruka in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

cargo build --release --locked -p mieruka >/dev/null
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/mieruka"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export MIERUKA_HOME="$work"
export MIERUKA_DATABASE_URL="${1:-sqlite://$work/load.sqlite3}"
port="${MIERUKA_LOAD_PORT:-18181}"
duration="${MIERUKA_LOAD_SECONDS:-15}"

"$bin" demo --no-serve >/dev/null
token=$("$bin" user token ciso --name load-test --scope write | sed -n 's/.*: \(mk_[0-9a-f_]*\)$/\1/p')
[ -n "$token" ] || { echo "could not create an API token"; exit 1; }
"$bin" serve --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.2; done

period=$("$bin" status --org demo --json | sed -n 's/^  "period": "\([^"]*\)".*/\1/p')
# The exercise plan (1.10.2): the security department is in its scope. (awk reads to the end, so
# mieruka never writes into a closed pipe.)
plan=$("$bin" plan list --org demo --period "$period" --json \
  | awk '/"id":/ { gsub(/[^0-9]/, "", $2); id = $2 } /"kpi_id": "1.10.2"/ && !found { print id; found = 1 }')
[ -n "$plan" ] || { echo "could not find the demo's exercise plan"; exit 1; }
today=$(date -u +%F)
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"unit":"security","date":"$today","actual":1,"plan":1}'
LUA

# A browser's session for the pages.
cookie=$(curl -fs -o /dev/null -D - -d "username=ciso&password=demo-ciso-2026&next=/orgs" \
  "http://127.0.0.1:$port/sign-in" | sed -n 's/^[Ss]et-[Cc]ookie: \(mieruka_session=[0-9a-f]*\).*/\1/p')
[ -n "$cookie" ] || { echo "could not sign in to the pages"; exit 1; }

echo "database: ${MIERUKA_DATABASE_URL%%\?*}"
for page in "/orgs/demo" "/orgs/demo/group" "/orgs/demo/plans/$plan" "/orgs/demo/risks" "/orgs/demo/loss"; do
  echo "== page: GET $page, 10 connections, ${duration}s"
  wrk -t2 -c10 -d"${duration}s" --latency -H "Cookie: $cookie" \
    "http://127.0.0.1:$port$page" | sed -n '/Latency Distribution/,$p'
done
echo "== read: GET /api/v1/orgs/demo/status (the dashboard's data), 100 connections, ${duration}s"
wrk -t2 -c100 -d"${duration}s" --latency -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/orgs/demo/status" | sed -n '/Latency Distribution/,$p'
echo "== write: POST /api/v1/plans/$plan/measurements, 100 connections, ${duration}s"
wrk -t2 -c100 -d"${duration}s" --latency -s "$work/post.lua" -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/plans/$plan/measurements" | sed -n '/Latency Distribution/,$p'
