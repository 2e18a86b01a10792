#!/usr/bin/env bash
# The support product's numbers on local workerd (Miniflare's sockets, as
# bench/run.sh measures the copilot): the inbox page (limit 50, ordered by
# smart score) over TICKETS open tickets at 1 and 16 connections, and the
# login (argon2id) against a bearer call that does everything but hash,
# one connection. Results as JSON lines in target/bench/support.jsonl.
#
#   bench/support.sh [SECONDS_PER_POINT]     (make bench runs it; TICKETS=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_POINT=${1:-20}
TICKETS=${TICKETS:-10000}
OUT=target/bench
STATE=$OUT/support-state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -f "$OUT/support.jsonl"

make --no-print-directory build
cargo build --quiet --release -p edgedesk-cli
CLI=target/release/edgedesk-cli
"$NODE_BIN/esbuild" bench/hono/src/index.ts --bundle --format=esm --minify --outfile="$OUT/hono.js" --log-level=warning

echo "== $TICKETS tickets, every one open"
rm -rf "$STATE"
for dir in migrations/*/; do
  CI=true "$NODE_BIN/wrangler" d1 migrations apply "edgedesk-$(basename "$dir")" --local --persist-to "$STATE" >/dev/null
done
"$CLI" support-sample --tickets "$TICKETS" "$OUT/support-inbox.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-support --local --persist-to "$STATE" --file "$OUT/support-inbox.sql" >/dev/null
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-support --local --persist-to "$STATE" \
  --command "UPDATE tickets SET status = 'open'" >/dev/null

node bench/serve.mjs "$STATE" 8811 8812 "$OUT/hono.js" > "$OUT/support-serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 240); do
  curl -s -o /dev/null http://127.0.0.1:8811/health && break
  sleep 0.25
done
BASE=http://127.0.0.1:8811
LOGIN='{"email":"manager@support.test","password":"dev-password"}'
TOKEN=$(curl -s "$BASE/api/agents/login" -H 'content-type: application/json' -d "$LOGIN" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== the inbox: GET /api/tickets?status=open&limit=50"
"$CLI" --url "$BASE" load --path '/api/tickets?status=open&limit=50' --bearer "$TOKEN" \
  --concurrency 1,16 --seconds "$SECONDS_PER_POINT" --label inbox --json "$OUT/support.jsonl"
echo "== a bearer call without hashing: GET /api/agents/me"
"$CLI" --url "$BASE" load --path /api/agents/me --bearer "$TOKEN" \
  --concurrency 1 --seconds "$SECONDS_PER_POINT" --label me --json "$OUT/support.jsonl"
echo "== login (argon2id, 19 MiB, 2 passes)"
"$CLI" --url "$BASE" load --path /api/agents/login --method POST --body "$LOGIN" --warmup 3 \
  --concurrency 1 --seconds "$SECONDS_PER_POINT" --label login --json "$OUT/support.jsonl"
