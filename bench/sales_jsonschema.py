#!/usr/bin/env python3
"""The same file validated by Python's jsonschema against the published
upload schema, best of three: the reference the service's own check is
measured against.

    target/venv-tools/bin/python bench/sales_jsonschema.py FILE
"""

import json
import sys
import time

import jsonschema

schema = json.load(open("shared/sales/src/upload.schema.json"))
raw = open(sys.argv[1], "rb").read()
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
best = float("inf")
for _ in range(3):
    started = time.perf_counter()
    errors = list(validator.iter_errors(json.loads(raw)))
    best = min(best, time.perf_counter() - started)
    assert not errors, errors[:3]
print(json.dumps({"bytes": len(raw), "jsonschema_s": round(best, 4),
                  "jsonschema_mb_s": round(len(raw) / 1e6 / best, 2)}))
