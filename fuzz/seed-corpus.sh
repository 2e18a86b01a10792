#!/usr/bin/env bash
# Seeds the fuzz corpora from the sample data and the shared e2e cases.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/stored_documents corpus/tool_request
i=0
for kind in usage tickets contract; do
  for f in ../sample_data/$kind/*.json; do
    { printf "\\x0$i"; cat "$f"; } > "corpus/stored_documents/$kind-$(basename "$f")"
  done
  i=$((i + 1))
done
python3 - <<'PY'
import json, pathlib
cases = [c for f in sorted(pathlib.Path("../tests/e2e/cases").glob("*.json")) for c in json.load(open(f))]
out = pathlib.Path("corpus/tool_request")
for n, c in enumerate(cases):
    r = c["request"]
    body = json.dumps(r["json"], separators=(",", ":")) if "json" in r else r.get("raw")
    if body is not None:
        (out / f"case-{n}").write_bytes(bytes([n % 6]) + body.encode())
PY
# A small chain's files (and its broken one) for the sales upload check.
mkdir -p corpus/sales_uploads
python3 ../scripts/sales-sample.py --out ../target/fuzz-sales-sample --stores 3 --days 3 --end 2026-11-02 >/dev/null
for f in ../target/fuzz-sales-sample/uploads/*/*.json ../target/fuzz-sales-sample/broken/*/*.json; do
  area=$(basename "$(dirname "$(dirname "$f")")")
  cp "$f" "corpus/sales_uploads/$area-$(basename "$(dirname "$f")")-$(basename "$f")"
done
