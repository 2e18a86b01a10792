#!/usr/bin/env bash
# The sales pipeline's numbers: how fast a file is checked and processed
# against Python's jsonschema validating the same file; upload-to-metrics
# latency of a 1 MB and a 20 MB file on local workerd (upload URL, PUT,
# the Queue's processing, until the upload reads processed); and a day's
# analysis at 10 and 200 stores (28 days of history each) on local
# workerd. Results as JSON lines in target/bench/sales.jsonl.
#
#   bench/sales.sh     (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
STATE=$OUT/sales-state
NODE_BIN=$PWD/node_modules/.bin
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
mkdir -p "$OUT"
rm -f "$OUT/sales.jsonl"
scripts/ensure-python-tools.sh
make --no-print-directory build
cargo build --quiet --release -p edgedesk-cli
cargo build --quiet --release -p edgedesk-sales --example validate_throughput
CLI=target/release/edgedesk-cli
END=2026-10-31

echo "== files of 1 MB and 20 MB"
for mb in 1 20; do
  python3 scripts/sales-sample.py --out "$OUT/sales-$mb" --stores 1 --days 3 --end $END --target-mb $mb >/dev/null
done

echo "== checking and processing against Python's jsonschema, the same 20 MB file"
ours=$(target/release/examples/validate_throughput "$OUT/sales-20/big-20.json" store-big $END)
theirs=$(target/venv-tools/bin/python bench/sales_jsonschema.py "$OUT/sales-20/big-20.json")
python3 - "$ours" "$theirs" >> "$OUT/sales.jsonl" <<'PY'
import json, sys
row = {"kind": "validation", **json.loads(sys.argv[1]), **json.loads(sys.argv[2])}
print(json.dumps(row))
PY
tail -n 1 "$OUT/sales.jsonl"

rm -rf "$STATE"
CI=true "$NODE_BIN/wrangler" d1 migrations apply edgedesk-sales --local --persist-to "$STATE" >/dev/null
"$CLI" sales keys sql --role admin --value bench-admin-key > "$OUT/sales-keys.sql"
CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-sales --local --persist-to "$STATE" --file "$OUT/sales-keys.sql" >/dev/null
: > "$OUT/empty.env"
PORT=8831
BASE=http://127.0.0.1:$PORT
"$NODE_BIN/wrangler" dev --local --ip 127.0.0.1 --port $PORT --inspector-port 8832 --persist-to "$STATE" \
  --show-interactive-dev-session=false --env-file "$OUT/empty.env" \
  --var URL_SIGNING_SECRET:bench-url-secret --var "PUBLIC_BASE_URL:$BASE" \
  --var ANALYSIS_FALLBACK_TIME:23:59 > "$OUT/sales-wrangler.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -s -o /dev/null "$BASE/health" && break; sleep 0.25; done

echo "== upload to metrics on workerd (5 uploads of each, the same store's day replaced)"
python3 - "$BASE" "$OUT" "$END" >> "$OUT/sales.jsonl" <<'PY'
import json, statistics, sys, time, urllib.request
base, out, end = sys.argv[1], sys.argv[2], sys.argv[3]
KEY = {"Authorization": "Bearer bench-admin-key"}

def call(method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {**KEY, **(headers or {})}
    if body is not None:
        h["content-type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.status, json.load(r)

call("POST", "/api/sales/stores", {"store_id": "store-big", "name": "Big", "timezone": "America/Chicago"})
for mb in (1, 20):
    raw = open(f"{out}/sales-{mb}/big-{mb}.json", "rb").read()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        _, grant = call("POST", "/api/sales/upload-url", {"store_id": "store-big", "date": end, "content_length": len(raw)})
        path = grant["data"]["path"]
        req = urllib.request.Request(base + path, data=raw, method="PUT", headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=300) as r:
            version = json.load(r)["data"]["version"]
        while True:
            _, st = call("GET", f"/api/sales/uploads/{end}/store-big")
            if st["data"]["version"] == version and st["data"]["status"] in ("processed", "failed"):
                assert st["data"]["status"] == "processed", st
                break
            time.sleep(0.01)
        times.append(time.perf_counter() - started)
    print(json.dumps({"kind": "upload", "mb": mb, "bytes": len(raw), "runs": len(times),
                      "median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
                      "max_s": round(max(times), 3)}))
PY
tail -n 2 "$OUT/sales.jsonl"

echo "== a day's analysis at 10 and 200 stores on workerd"
for stores in 10 200; do
  python3 bench/sales_history.py $stores 29 $END > "$OUT/sales-history.sql"
  CI=true "$NODE_BIN/wrangler" d1 execute edgedesk-sales --local --persist-to "$STATE" --file "$OUT/sales-history.sql" >/dev/null
  python3 - "$BASE" "$END" "$stores" >> "$OUT/sales.jsonl" <<'PY'
import json, sys, time, urllib.request
base, end, stores = sys.argv[1], sys.argv[2], int(sys.argv[3])
KEY = {"Authorization": "Bearer bench-admin-key", "content-type": "application/json"}
started = time.perf_counter()
req = urllib.request.Request(base + "/api/sales/analysis/run", data=json.dumps({"date": end}).encode(), method="POST", headers=KEY)
urllib.request.urlopen(req, timeout=300).read()
while True:
    req = urllib.request.Request(base + f"/api/sales/runs?date={end}", headers=KEY)
    run = json.load(urllib.request.urlopen(req, timeout=60))["data"]["runs"][0]
    if run["status"] in ("completed", "failed"):
        break
    time.sleep(0.05)
assert run["status"] == "completed", run
wall = time.perf_counter() - started
steps = {s["step"]: s["duration_ms"] for s in run["steps"]}
print(json.dumps({"kind": "analysis", "stores": stores, "history_days": 28,
                  "run_ms": run["finished_at"] - run["started_at"], "wall_s": round(wall, 2), "steps_ms": steps}))
PY
  tail -n 1 "$OUT/sales.jsonl"
done
