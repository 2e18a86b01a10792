#!/usr/bin/env bash
# Every measurement in docs/performance.md, in one run on this machine:
# signing against raw hashing, the seed's formulas in Python against the
# core, sizes against their budgets, cold starts, and the Rust Worker
# against the Hono baseline on one local workerd (directly and through
# `wrangler dev`), the support product's inbox and login, the receptionist's
# turns and the sales pipeline's uploads and analysis. Results go
# to target/bench/, then into the document.
#
#   bench/run.sh [SECONDS_PER_LOAD_POINT]     (make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_POINT=${1:-20}
OUT=target/bench
STATE=$OUT/state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -f "$OUT/load.jsonl"

step() { printf '\n== %s\n' "$*"; }

step "signing and health score (criterion)"
cargo bench -p edgedesk-core --bench core -- --noplot
cargo bench -p edgedesk-receptionist --bench engine -- --noplot

step "the seed's formulas: Python against the core"
python3 bench/seed_formulas.py

step "sizes"
make --no-print-directory worker-sizes | tee "$OUT/worker-sizes.txt"
make --no-print-directory spin-build >/dev/null
ls -l workers/spin/target/wasm32-wasip2/release/*.wasm | awk '{print $5, $9}' > "$OUT/spin-sizes.txt"
cat "$OUT/spin-sizes.txt"

step "Spin cold start per component"
cargo run --quiet -p edgedesk-spin-host --example cold_start -- "$OUT/spin-cold-start.json"

step "local state and the Hono bundle"
make --no-print-directory build
rm -rf "$STATE"
CI=true "$NODE_BIN/wrangler" d1 migrations apply edgedesk-copilot --local --persist-to "$STATE" >/dev/null
node scripts/seed-local.mjs "$STATE" sample_data >/dev/null
"$NODE_BIN/esbuild" bench/hono/src/index.ts --bundle --format=esm --minify --outfile="$OUT/hono.js" --log-level=warning

step "the Hono baseline answers what the Rust Worker answers"
node bench/hono/check.mjs | tail -n 1

step "Worker cold start against Hono (fresh isolates on workerd)"
node bench/cold_start.mjs "$STATE" "$OUT/hono.js" 10 "$OUT/worker-cold-start.json"

cargo build --quiet --release -p edgedesk-cli
LOAD=target/release/edgedesk-cli

wait_for() {
  for _ in $(seq 240); do
    # Any HTTP answer will do: the Hono baseline has no /health.
    curl -s -o /dev/null "$1" && return 0
    sleep 0.25
  done
  echo "nothing answered on $1" >&2
  return 1
}

# Alternates the two Workers point by point, so drift on the machine
# reaches both alike.
load_pair() { # via rust_url hono_url
  for conns in 1 16 64; do
    for side in rust hono; do
      url=$([ $side = rust ] && echo "$2" || echo "$3")
      echo "-- $side via $1, $conns connections"
      HMAC_SECRET=dev-secret "$LOAD" --url "$url" load --tool calculate_health --customer-id acme-001 \
        --concurrency "$conns" --seconds "$SECONDS_PER_POINT" --label "$side/$1" --json "$OUT/load.jsonl"
    done
  done
}

step "load: workerd directly (Miniflare's sockets)"
node bench/serve.mjs "$STATE" 8801 8802 "$OUT/hono.js" > "$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
wait_for http://127.0.0.1:8801/health
load_pair workerd http://127.0.0.1:8801 http://127.0.0.1:8802
kill $SERVE; wait $SERVE 2>/dev/null || true

step "load: through wrangler dev"
dev() { # config port
  "$NODE_BIN/wrangler" dev --local --ip 127.0.0.1 --port "$2" --inspector-port $(($2 + 1000)) -c "$1" --persist-to "$STATE" \
    --show-interactive-dev-session=false --var HMAC_SECRET:dev-secret >"$OUT/dev-$2.log" 2>&1 &
  echo $!
}
RUST_DEV=$(dev wrangler.toml 8803)
HONO_DEV=$(dev bench/hono/wrangler.toml 8804)
trap 'kill $RUST_DEV $HONO_DEV 2>/dev/null || true' EXIT
wait_for http://127.0.0.1:8803/health
wait_for http://127.0.0.1:8804/health
load_pair wrangler http://127.0.0.1:8803 http://127.0.0.1:8804
kill -INT $RUST_DEV $HONO_DEV; wait 2>/dev/null || true

step "mixed load: acknowledged against stored"
bench/mixed.sh 60 64

step "fault matrix (in-process)"
cargo test --quiet -p edgedesk-e2e --test faults -- --nocapture 2>/dev/null | grep '^|' > "$OUT/faults.md"

step "phase breakdown of calculate_health (workerd directly, one connection)"
node bench/serve.mjs "$STATE" 8801 8802 "$OUT/hono.js" timed > "$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
wait_for http://127.0.0.1:8801/health
rm -f "$OUT/phases.jsonl"
HMAC_SECRET=dev-secret "$LOAD" --url http://127.0.0.1:8801 load --concurrency 1 --seconds "$SECONDS_PER_POINT" \
  --label phases --json "$OUT/phases.jsonl"
kill $SERVE; wait $SERVE 2>/dev/null || true

step "support: the inbox over 10,000 tickets and the login"
bench/support.sh "$SECONDS_PER_POINT"

step "receptionist: signed SMS turns"
bench/receptionist.sh "$SECONDS_PER_POINT"

step "sales: checking, upload to metrics, the daily analysis"
bench/sales.sh

step "coach: first token and whole reply, pings, token checks"
bench/coach.sh

step "report"
SECONDS_PER_POINT=$SECONDS_PER_POINT python3 bench/report.py
