#!/usr/bin/env bash
# API fuzzing: Schemathesis against the Worker's own /openapi.json on local
# workerd (wrangler dev, sample data and fixtures loaded), every operation,
# signed calls signed per request by tests/api/hooks.py. Fails on any 5xx
# Schemathesis provokes, any answer that does not conform to the document,
# and any documented status neither reached nor explained
# (tests/api/coverage.py).
#
#   tests/api/run.sh [MAX_EXAMPLES]      (make test runs it with 25)
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_EXAMPLES=${1:-25}
SCHEMATHESIS_VERSION=4.32.5
VENV=target/venv-schemathesis
OUT=target/api
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

rm -rf "$OUT" && mkdir -p "$OUT"
for dir in migrations/*/; do
  product=$(basename "$dir")
  CI=true "$NODE_BIN/wrangler" d1 migrations apply "edgedesk-$product" --local --persist-to "$OUT/state" >/dev/null
done
node scripts/seed-local.mjs "$OUT/state" sample_data tests/fixtures >/dev/null
# The support dataset, and a session key the hooks mint tokens with.
cargo run -q -p edgedesk-cli -- support-sample "$OUT/support.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-support --local --persist-to "$OUT/state" --file "$OUT/support.sql" >/dev/null
SESSION_KEY=api-fuzz-session-key
# The receptionist's demo salon: its number, widget and appointments.
cargo run -q -p edgedesk-cli -- receptionist-sample "$OUT/receptionist.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-receptionist --local --persist-to "$OUT/state" --file "$OUT/receptionist.sql" >/dev/null
# The owner routes are fuzzed as the owner of a business of their own, so
# what they change (lockdown, services, hours) leaves the demo salon alone.
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-receptionist --local --persist-to "$OUT/state" --command \
  "INSERT INTO businesses (id, name, time_zone, created_at) VALUES ('fuzz-shop', 'Fuzz Shop', 'UTC', 0); \
   INSERT INTO owners (id, business_id, email, hashed_password, created_at) VALUES ('owner-fuzz', 'fuzz-shop', 'owner@fuzz-shop.test', 'unused', 0)" >/dev/null

# The sales pipeline's admin key; its stores and days are uploaded once the
# Worker is up, through upload URLs, as stores upload.
cargo run -q -p edgedesk-cli -- sales keys sql --role admin --value api-fuzz-admin-key --label fuzz > "$OUT/sales-keys.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-sales --local --persist-to "$OUT/state" --file "$OUT/sales-keys.sql" >/dev/null
python3 scripts/sales-sample.py --out "$OUT/sales-sample" --stores 3 --days 18 --end 2026-10-18 >/dev/null
# The coaching product's dev organisation: its routes are fuzzed as its
# admin, through dev_token (DEV_AUTH=true on this deployment only).
cargo run -q -p edgedesk-cli -- coaching-sample "$OUT/coaching.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-coaching --local --persist-to "$OUT/state" --file "$OUT/coaching.sql" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The intelligence service the support AI routes call.
python3 tests/api/intelligence_stand_in.py "$OUT/intelligence.port" &
STAND_IN=$!
while [ ! -s "$OUT/intelligence.port" ]; do sleep 0.1; done
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
# Only the variables given here, never a developer's .dev.vars.
: > "$OUT/empty.env"
# The receptionist's settings: the salon's Twilio auth token (Schemathesis
# cannot sign Twilio's webhooks with it, so they answer 403) and the Google
# Calendar relay's secret (it sends none, so the relay answers 401). Rate
# limits are off: thousands of requests from one address would otherwise
# meet 429 before any other answer.
"$NODE_BIN/wrangler" dev --local --ip 127.0.0.1 --port "$PORT" --inspector-port "$(free_port)" \
  --persist-to "$OUT/state" --show-interactive-dev-session=false \
  --env-file "$OUT/empty.env" \
  --var HMAC_SECRET:dev-secret --var ALLOWED_ORIGIN:http://localhost:3000 \
  --var "SECRET_KEY:$SESSION_KEY" --var "QUIMBI_BASE_URL:http://127.0.0.1:$(cat "$OUT/intelligence.port")" \
  --var QUIMBI_API_KEY:api-fuzz-key \
  --var TWILIO_AUTH_TOKEN:api-fuzz-twilio-token --var "PUBLIC_BASE_URL:$BASE" \
  --var GOOGLE_WEBHOOK_SECRET:api-fuzz-relay-secret \
  --var RATE_LIMIT_DISABLED:true --var OPERATOR_TOKEN:api-fuzz-operator-token --var ALLOW_SELF_SIGNUP:true \
  --var URL_SIGNING_SECRET:api-fuzz-url-secret --var ANALYSIS_FALLBACK_TIME:23:59 \
  --var DEV_AUTH:true --var WORKOS_CLIENT_ID:api-fuzz-client --var WORKOS_ISSUER:https://auth.invalid/ \
  --var "WORKOS_JWKS_URL:http://127.0.0.1:$(cat "$OUT/intelligence.port")/jwks" >"$OUT/wrangler.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; kill $STAND_IN 2>/dev/null || true' EXIT
# Waits for the Worker, then keeps the document it serves (python3 rather
# than curl, which a fresh machine may lack).
python3 - "$BASE" "$OUT/openapi.json" <<'PY'
import sys, time, urllib.request
base, out = sys.argv[1], sys.argv[2]
for _ in range(360):
    try:
        urllib.request.urlopen(base + "/health", timeout=2)
        break
    except OSError:
        time.sleep(0.25)
with urllib.request.urlopen(base + "/openapi.json", timeout=10) as r:
    open(out, "wb").write(r.read())
PY
# The sales chain, through the real upload path; its last day's analysis
# (the documented examples' day) runs from the queue once every store is in.
cargo run -q -p edgedesk-cli -- sales --url "$BASE" --key api-fuzz-admin-key load "$OUT/sales-sample" >/dev/null
python3 - "$BASE" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
for _ in range(240):
    req = urllib.request.Request(base + "/api/sales/runs?date=2026-10-18",
                                 headers={"Authorization": "Bearer api-fuzz-admin-key"})
    runs = json.load(urllib.request.urlopen(req, timeout=10))["data"]["runs"]
    if runs and runs[0]["status"] == "completed":
        break
    time.sleep(0.5)
else:
    sys.exit("the sales sample's last day was not analysed")
PY
# Schemathesis loads the document it tests rather than testing that call.
echo '{"method": "GET", "path": "/openapi.json", "status": 200}' > "$OUT/statuses.jsonl"

PYTHONPATH=tests/api SCHEMATHESIS_HOOKS=hooks EDGEDESK_SECRET=dev-secret EDGEDESK_SESSION_KEY=$SESSION_KEY \
EDGEDESK_OPERATOR_TOKEN=api-fuzz-operator-token EDGEDESK_SALES_KEY=api-fuzz-admin-key \
EDGEDESK_STATUS_LOG="$OUT/statuses.jsonl" \
  "$VENV/bin/schemathesis" --config-file tests/api/schemathesis.toml run "$BASE/openapi.json" \
  --checks all --max-examples "$MAX_EXAMPLES" --seed 2026 --workers 1 \
  --generation-database none --report junit --report-dir "$OUT"
python3 tests/api/coverage.py "$OUT/openapi.json" "$OUT/statuses.jsonl"
