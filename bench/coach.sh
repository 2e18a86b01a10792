#!/usr/bin/env bash
# The realtime coach's numbers with the stub model (STUB_LLM_DELAY_MS=20
# between words, as the stub runs by default) through local workerd: time
# to the first streamed token and to the whole reply at 1 and 16
# concurrent sessions, and messages a second on one socket; then the
# access-token check with the keys held (criterion). Results as JSON lines
# in target/bench/coach.jsonl.
#
#   bench/coach.sh     (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
STATE=$OUT/coach-state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -f "$OUT/coach.jsonl"
scripts/ensure-python-tools.sh
make --no-print-directory build
cargo build --quiet --release -p edgedesk-cli
CLI=target/release/edgedesk-cli

rm -rf "$STATE"
CI=true "$NODE_BIN/wrangler" d1 migrations apply edgedesk-coaching --local --persist-to "$STATE" >/dev/null
"$CLI" coaching-sample "$OUT/coaching.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-coaching --local --persist-to "$STATE" --file "$OUT/coaching.sql" >/dev/null
: > "$OUT/empty.env"
PORT=8841
BASE=http://127.0.0.1:$PORT
"$NODE_BIN/wrangler" dev --local --ip 127.0.0.1 --port $PORT --inspector-port 8842 --persist-to "$STATE" \
  --show-interactive-dev-session=false --env-file "$OUT/empty.env" \
  --var DEV_AUTH:true --var STUB_LLM_DELAY_MS:20 --var COACH_MAX_RUNS_PER_MINUTE:100000 \
  > "$OUT/coach-wrangler.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -s -o /dev/null "$BASE/health" && break; sleep 0.25; done

echo "== first token and whole reply at 1 and 16 sessions; pings on one socket"
"$CLI" --url "$BASE" coach-bench --sessions 1,16 --turns 5 --pings 2000 | tee -a "$OUT/coach.jsonl"

echo "== verifying an access token, keys held"
cargo bench --quiet -p edgedesk-coaching --bench verify -- --noplot 2>/dev/null | tee "$OUT/coach-verify.txt"
python3 - "$OUT/coach-verify.txt" >> "$OUT/coach.jsonl" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", text)
units = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3}
print(json.dumps({"kind": "coach_verify", "median_us": round(float(m.group(1)) * units[m.group(2)], 1)}))
PY
tail -n 1 "$OUT/coach.jsonl"
