#!/usr/bin/env bash
# Installs Prometheus's own Python client, whose exposition-format parser
# checks what /metrics/prometheus serves, into a venv when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.26.0
VENV=target/venv-prometheus
if "$VENV/bin/pip" show prometheus-client 2>/dev/null | grep -qx "Version: $VERSION"; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet "prometheus-client==$VERSION"
