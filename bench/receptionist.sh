#!/usr/bin/env bash
# The receptionist's numbers on local workerd: a signed inbound SMS turn
# (Twilio's signature checked, the delivery claimed, the engine run on the
# conversation's stored state, the turn and its answer committed in one
# transaction) at 1 and 16 connections, each connection its own texter.
# Two turns: a question ("what are your hours") and a booking request
# that searches four weeks of free times ("book a haircut, soonest").
# Results as JSON lines in target/bench/receptionist.jsonl.
#
#   bench/receptionist.sh [SECONDS_PER_POINT]     (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_POINT=${1:-20}
OUT=target/bench
STATE=$OUT/receptionist-state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -f "$OUT/receptionist.jsonl"

make --no-print-directory build
cargo build --quiet --release -p edgedesk-cli
CLI=target/release/edgedesk-cli
"$NODE_BIN/esbuild" bench/hono/src/index.ts --bundle --format=esm --minify --outfile="$OUT/hono.js" --log-level=warning

rm -rf "$STATE"
for dir in migrations/*/; do
  CI=true "$NODE_BIN/wrangler" d1 migrations apply "edgedesk-$(basename "$dir")" --local --persist-to "$STATE" >/dev/null
done
"$CLI" receptionist-sample "$OUT/receptionist.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-receptionist --local --persist-to "$STATE" --file "$OUT/receptionist.sql" >/dev/null

# The limiter's cost: the same text turn at 16 connections with the limiter
# off, then with every request taking a token from its client's bucket (a
# Durable Object) whose limits are never reached.
serve() {
  BENCH_VARS="$1" node bench/serve.mjs "$STATE" 8821 8822 "$OUT/hono.js" > "$OUT/receptionist-serve.log" 2>&1 &
  SERVE=$!
  for _ in $(seq 240); do
    curl -s -o /dev/null http://127.0.0.1:8821/health && break
    sleep 0.25
  done
}
trap 'kill $SERVE 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:8821
serve '{"RATE_LIMIT_DISABLED": "true"}'
echo "== the limiter's cost: a text turn at 16 connections, limiter off"
"$CLI" --url "$BASE" load --twilio-sms "what are your hours" \
  --concurrency 16 --seconds "$SECONDS_PER_POINT" --label sms-limiter-off --json "$OUT/receptionist.jsonl"
kill $SERVE; wait $SERVE 2>/dev/null || true
serve '{"RATE_LIMIT_PER_MINUTE": "100000000", "RATE_LIMIT_BURST": "100000000"}'
echo "== the limiter's cost: a text turn at 16 connections, a token taken per request"
"$CLI" --url "$BASE" load --twilio-sms "what are your hours" \
  --concurrency 16 --seconds "$SECONDS_PER_POINT" --label sms-limiter-on --json "$OUT/receptionist.jsonl"

echo "== a question by text: what are your hours"
"$CLI" --url "$BASE" load --twilio-sms "what are your hours" \
  --concurrency 1,16 --seconds "$SECONDS_PER_POINT" --label sms-question --json "$OUT/receptionist.jsonl"
echo "== a booking request by text: four weeks of free times searched"
"$CLI" --url "$BASE" load --twilio-sms "book a haircut, soonest" \
  --concurrency 1,16 --seconds "$SECONDS_PER_POINT" --label sms-offer --json "$OUT/receptionist.jsonl"
