#!/usr/bin/env bash
# `make dev`: serves the Worker on embedded local KV, D1, R2 and Queues,
# and on first start loads the sales pipeline's sample (10 stores × 35
# days, one broken file) through the real upload path: an upload URL per
# file, then a PUT, processed by the queue, each complete day analysed.
set -euo pipefail
WRANGLER=$1
STATE=$2
cd "$(dirname "$0")/.."
"$WRANGLER" dev --local --ip 127.0.0.1 --port 8787 --persist-to "$STATE" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
loaded="$STATE/sales-sample-loaded"
if [ ! -f "$loaded" ]; then
  for _ in $(seq 1 120); do
    curl -fsS http://127.0.0.1:8787/health >/dev/null 2>&1 && break
    sleep 1
  done
  echo "Loading the sales sample through the upload path (first start only)..."
  python3 scripts/sales-sample.py --out target/sales-sample --stores 10 --days 35
  cargo run -q -p edgedesk-cli -- sales --key dev-admin-key load target/sales-sample --with-broken >/dev/null
  # On the last day one store's file was refused, so that day waits: run
  # its analysis now with the stores that did report, as the 23:00
  # fallback would.
  last=$(ls target/sales-sample/uploads | sort | tail -n 1)
  cargo run -q -p edgedesk-cli -- sales --key dev-admin-key run "$last" >/dev/null
  touch "$loaded"
  echo "Sales sample loaded: curl -H 'Authorization: Bearer dev-analyst-key' http://127.0.0.1:8787/api/sales/analytics/$last"
fi
wait $server
