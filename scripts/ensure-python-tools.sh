#!/usr/bin/env bash
# Installs the Python tools the tests check against into a venv when they
# are missing: numpy, the independent reading of the sales statistics
# (shared/core/tests/stats_numpy.rs), jsonschema, and PyJWT with
# cryptography, which mint the coaching product's test tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
NUMPY=2.4.6
JSONSCHEMA=4.26.0
PYJWT=2.15.1
CRYPTOGRAPHY=50.0.2
VENV=target/venv-tools
if "$VENV/bin/pip" show numpy 2>/dev/null | grep -qx "Version: $NUMPY" &&
  "$VENV/bin/pip" show jsonschema 2>/dev/null | grep -qx "Version: $JSONSCHEMA" &&
  "$VENV/bin/pip" show pyjwt 2>/dev/null | grep -qx "Version: $PYJWT" &&
  "$VENV/bin/pip" show cryptography 2>/dev/null | grep -qx "Version: $CRYPTOGRAPHY"; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet "numpy==$NUMPY" "jsonschema==$JSONSCHEMA" \
  "pyjwt==$PYJWT" "cryptography==$CRYPTOGRAPHY"
