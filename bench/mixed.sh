#!/usr/bin/env bash
# Mixed load on the Worker (workerd directly): 64 connections for 60 s over
# every route that exists, then a count of what was stored against what was
# acknowledged. Fails on any 5xx, any accepted replay, and any accepted
# signed call without exactly one replay record (or a record without one).
#
#   bench/mixed.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-60}
CONNECTIONS=${2:-64}
OUT=target/bench
STATE=$OUT/mixed-state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -rf "$STATE"
CI=true "$NODE_BIN/wrangler" d1 migrations apply edgedesk-copilot --local --persist-to "$STATE" >/dev/null
node scripts/seed-local.mjs "$STATE" sample_data >/dev/null
[ -f "$OUT/hono.js" ] || "$NODE_BIN/esbuild" bench/hono/src/index.ts --bundle --format=esm --minify \
  --outfile="$OUT/hono.js" --log-level=warning
cargo build --quiet --release -p edgedesk-cli

node bench/serve.mjs "$STATE" 8805 8806 "$OUT/hono.js" > "$OUT/mixed-serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -sf -o /dev/null http://127.0.0.1:8805/health && break; sleep 0.25; done

status=0
HMAC_SECRET=dev-secret target/release/edgedesk-cli --url http://127.0.0.1:8805 mixed \
  --connections "$CONNECTIONS" --seconds "$SECONDS_TOTAL" --json "$OUT/mixed.json" >/dev/null || status=$?
kill $SERVE; wait $SERVE 2>/dev/null || true
trap - EXIT

RUN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runId"])' "$OUT/mixed.json")
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-copilot --local --persist-to "$STATE" --json \
  --command "SELECT signature FROM seen_calls WHERE client LIKE '$RUN_ID-%'" > "$OUT/mixed-stored.json"
python3 - "$OUT/mixed.json" "$OUT/mixed.signatures.json" "$OUT/mixed-stored.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
sent = json.load(open(sys.argv[2]))
stored = [r["signature"] for r in json.load(open(sys.argv[3]))[0]["results"]]
acknowledged, unanswered, kept = set(sent["acknowledged"]), set(sent["unanswered"]), set(stored)
lost = acknowledged - kept
unexplained = kept - acknowledged - unanswered
run.update(storedReplayRecords=len(stored), distinctStoredSignatures=len(kept),
           acknowledgedWrites=len(acknowledged), lostWrites=len(lost), unexplainedWrites=len(unexplained),
           unansweredButStored=len(kept & unanswered))
json.dump(run, open(sys.argv[1], "w"), indent=1)
print(f"mixed load: {run['requests']} requests in {run['seconds']:.0f} s at {run['connections']} connections, "
      f"{run['requestsPerSecond']:.0f} req/s, p50 {run['p50Ms']:.1f} ms, p99 {run['p99Ms']:.1f} ms; "
      f"5xx {run['serverErrors']}; connections closed unanswered {run['connectionErrors']} "
      f"({run['unansweredSignedCalls']} of them signed calls, {len(kept & unanswered)} of those run and stored); "
      f"writes acknowledged {len(acknowledged)}, stored {len(stored)} ({len(kept)} distinct), lost {len(lost)}, "
      f"unexplained {len(unexplained)}; replays refused {run['replaysRefused']} of {run['replays']} "
      f"(and {run['replaysOfUnansweredAccepted']} first deliveries of unanswered calls accepted)")
if lost or unexplained or len(kept) != len(stored) or run["serverErrors"]:
    sys.exit("mixed load: a write was lost, duplicated or unexplained, or the server failed")
PY
exit $status
