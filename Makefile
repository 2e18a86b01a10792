# Edgedesk developer entry points. After cloning:
#   make dev    install what is missing, build, load sample data, serve on :8787
#   make test   every test: native, no_std core, in-process cases, workerd e2e
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

WORKER_BUILD_VERSION := 0.8.7
# The wasm-bindgen CLI must match the library version in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
NODE_BIN := $(CURDIR)/node_modules/.bin
WRANGLER := $(NODE_BIN)/wrangler
WORKER := workers/cloudflare/build/index.js
WORKER_SOURCES := Cargo.toml Cargo.lock $(shell find shared workers/app workers/cloudflare -name '*.rs' -o -name Cargo.toml -o -name openapi.json | grep -v /build/)
# Each product that owns a database has migrations/<product>/ and the D1
# database edgedesk-<product> (wrangler.toml) / Spin SQLite label <product>.
PRODUCTS_WITH_DB := $(notdir $(patsubst %/,%,$(wildcard migrations/*/)))
STATE := .wrangler/state
STAMPS := .make
# Builds lint as they compile: clippy-driver compiles the workspace's own
# crates (lints denied) while cargo builds, so no crate is compiled once to
# check and again to build. Dependencies are compiled by rustc as usual.
LINTED = RUSTC_WORKSPACE_WRAPPER="$$(rustup which clippy-driver)" CLIPPY_ARGS=-Dwarnings
# Tools are installed in one target directory, so the dependencies they
# share are compiled once.
INSTALL := CARGO_TARGET_DIR=$(CURDIR)/target/tools cargo install

.PHONY: help dev test api-fuzz build worker-sizes spin-build spin-data spin-latency tools fmt-check lint openapi bench load smoke fuzz clean

help:
	@echo "make dev    serve the Worker on http://127.0.0.1:8787 with sample data"
	@echo "make test   run every test"
	@echo "make bench  every measurement, written to docs/performance.md;  make load  latency under load (needs make dev running)"
	@echo "make fuzz   each fuzz target for FUZZ_SECONDS (30)"
	@echo "make lint   fmt and clippy;  make openapi  regenerate each product's openapi.json"
	@echo "make worker-sizes  the Worker's size per set of products;  make spin-latency"

## Toolchain: each step is skipped when what it installs is already there.
tools: node_modules/.package-lock.json
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup target list --installed | grep -qx wasm32v1-none || rustup target add wasm32v1-none
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@[ "$$($(CARGO_BIN)/worker-build --version 2>/dev/null)" = "$(WORKER_BUILD_VERSION)" ] || \
		$(INSTALL) worker-build --version $(WORKER_BUILD_VERSION) --locked
	@[ "$$($(CARGO_BIN)/wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] || \
		$(INSTALL) wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## The Worker bundle, rebuilt only when Rust sources change.
build: tools $(WORKER)

$(WORKER): $(WORKER_SOURCES)
	cd workers/cloudflare && \
		WASM_BINDGEN_BIN=$(CARGO_BIN)/wasm-bindgen \
		WASM_OPT_BIN=$(NODE_BIN)/wasm-opt \
		ESBUILD_BIN=$(NODE_BIN)/esbuild \
		$(LINTED) $(CARGO_BIN)/worker-build --release
	@touch $@

## The Worker's size for each set of products (a cargo feature each), built
## apart under target/worker-sizes/.
WORKER_FEATURE_SETS := none copilot support receptionist sales coaching copilot,support,receptionist,sales,coaching
worker-sizes: tools
	for set in $(WORKER_FEATURE_SETS); do \
		features=$$([ $$set = none ] || echo "--features $$set"); \
		(cd workers/cloudflare && \
			WASM_BINDGEN_BIN=$(CARGO_BIN)/wasm-bindgen WASM_OPT_BIN=$(NODE_BIN)/wasm-opt ESBUILD_BIN=$(NODE_BIN)/esbuild \
			$(CARGO_BIN)/worker-build --release -d ../../target/worker-sizes/$$set . --no-default-features $$features >/dev/null 2>&1); \
		wasm=target/worker-sizes/$$set/index_bg.wasm; \
		printf '%-10s %9d B raw %9d B gzip\n' $$set $$(stat -c %s $$wasm) $$(gzip -9c $$wasm | wc -c); \
	done

## The Spin components (one per tool or route group, the API description and the catalogue), as `spin build` builds them.
spin-build: tools
	cd workers/spin && $(LINTED) cargo build --target wasm32-wasip2 --release --workspace

## SQL that loads sample_data/ into the copilot's Spin SQLite
## (`spin up --sqlite @target/spin/sample_data.sql:copilot`).
spin-data: target/spin/sample_data.sql

target/spin/sample_data.sql: $(wildcard sample_data/*/*.json) scripts/documents-sql.py
	python3 scripts/documents-sql.py $@ sample_data

## Local state for `wrangler dev`: each product's D1 migrations and sample data in R2.
$(STAMPS)/local-state: $(wildcard migrations/*/*.sql) $(wildcard sample_data/*/*.json) scripts/seed-local.mjs \
		shared/support/src/sample.rs shared/receptionist/src/sample.rs shared/sales/src/keys.rs \
		shared/coaching/src/sample.rs | node_modules/.package-lock.json
	for product in $(PRODUCTS_WITH_DB); do \
		CI=true $(WRANGLER) d1 migrations apply edgedesk-$$product --local --persist-to $(STATE); \
	done
	node scripts/seed-local.mjs $(STATE) sample_data
	# The support dataset, dated from now so its SLA clocks mean something
	# (it replaces what the support tables held).
	cargo run -q -p edgedesk-cli -- support-sample target/support-sample.sql
	CI=true $(WRANGLER) d1 execute edgedesk-support --local --persist-to $(STATE) --file target/support-sample.sql >/dev/null
	# The receptionist's demo salon, its appointments on the next open days
	# and its owner (owner@demo-salon.test, dev-password).
	cargo run -q -p edgedesk-cli -- receptionist-sample target/receptionist-sample.sql
	CI=true $(WRANGLER) d1 execute edgedesk-receptionist --local --persist-to $(STATE) --file target/receptionist-sample.sql >/dev/null
	# The sales pipeline's dev keys (its stores and days are uploaded through
	# the running Worker by scripts/dev.sh, the way stores upload).
	{ for role in uploader analyst admin; do \
		cargo run -q -p edgedesk-cli -- sales keys sql --role $$role --value dev-$$role-key --label dev; \
	done; } > target/sales-keys.sql
	CI=true $(WRANGLER) d1 execute edgedesk-sales --local --persist-to $(STATE) --file target/sales-keys.sql >/dev/null
	# The coaching product's dev organisation: dev_token's user (DEV_AUTH=true
	# in .dev.vars), its playbook and rep assignments.
	cargo run -q -p edgedesk-cli -- coaching-sample target/coaching-sample.sql
	CI=true $(WRANGLER) d1 execute edgedesk-coaching --local --persist-to $(STATE) --file target/coaching-sample.sql >/dev/null
	@mkdir -p $(STAMPS) && touch $@

# Local only: v1 signatures too, so the seed's own clients work against `make dev`.
.dev.vars:
	printf 'HMAC_SECRET=dev-secret\nSECRET_KEY=dev-session-secret\nALLOWED_ORIGIN=http://localhost:3000\nACCEPT_V1_SIGNATURES=true\nTWILIO_AUTH_TOKEN=dev-twilio-token\nPUBLIC_BASE_URL=http://127.0.0.1:8787\nOPERATOR_TOKEN=dev-operator-token\nURL_SIGNING_SECRET=dev-url-secret\nDEV_AUTH=true\n' > $@

dev: build $(STAMPS)/local-state .dev.vars
	@grep -q '^SECRET_KEY=' .dev.vars || echo 'SECRET_KEY=dev-session-secret' >> .dev.vars
	@grep -q '^TWILIO_AUTH_TOKEN=' .dev.vars || echo 'TWILIO_AUTH_TOKEN=dev-twilio-token' >> .dev.vars
	@grep -q '^PUBLIC_BASE_URL=' .dev.vars || echo 'PUBLIC_BASE_URL=http://127.0.0.1:8787' >> .dev.vars
	@grep -q '^OPERATOR_TOKEN=' .dev.vars || echo 'OPERATOR_TOKEN=dev-operator-token' >> .dev.vars
	@grep -q '^URL_SIGNING_SECRET=' .dev.vars || echo 'URL_SIGNING_SECRET=dev-url-secret' >> .dev.vars
	@grep -q '^DEV_AUTH=' .dev.vars || echo 'DEV_AUTH=true' >> .dev.vars
	scripts/dev.sh $(WRANGLER) $(STATE)

## Tests.
# Formatting, then clippy as developers run it.
fmt-check: tools
	cargo fmt --all -- --check
	cd workers/spin && cargo fmt --all -- --check

lint: tools fmt-check
	cargo clippy --workspace --exclude edgedesk-worker --all-targets -- -D warnings
	cargo clippy -p edgedesk-worker --target wasm32-unknown-unknown -- -D warnings
	cd workers/spin && cargo clippy --workspace --target wasm32-wasip2 --release -- -D warnings

# `make test` lints inside the builds it needs anyway (LINTED), covering the
# same crates and targets as `make lint`: native with tests, examples and
# benches, the Worker on wasm32, the Spin components on wasip2.
test: fmt-check build spin-build
	@scripts/ensure-chromium.sh
	@scripts/ensure-prometheus-parser.sh
	@scripts/ensure-python-tools.sh
	# The core has no std at all: prove it on a target that has none.
	$(LINTED) cargo build -p edgedesk-core --target wasm32v1-none
	# Unit, property, product, API-description and end-to-end tests: in-process,
	# on workerd, and on the Spin components on the embedded wasmtime host.
	$(LINTED) cargo test --workspace --exclude edgedesk-worker --all-targets
	# API fuzzing: Schemathesis against /openapi.json on workerd, bounded.
	# (Linted as above, so the CLI it runs to make sample data is not built
	# a second time.)
	$(LINTED) tests/api/run.sh $(API_EXAMPLES)

## Longer API fuzzing than make test's: `make api-fuzz API_EXAMPLES=500`.
API_EXAMPLES ?= 25
api-fuzz: build
	tests/api/run.sh $(API_EXAMPLES)

## Regenerates every product's openapi.json from its routes and types. Twice:
## the second run compiles the new files in and checks they are stable.
openapi:
	UPDATE_OPENAPI=1 cargo test --workspace --test openapi
	cargo test --workspace --test openapi

## Every measurement in docs/performance.md, in one run (about 20 minutes):
## signing against raw hashing, Python against the core, the Worker against
## a Hono baseline on one workerd, cold starts and sizes. BENCH_SECONDS per
## load point.
BENCH_SECONDS ?= 20
bench: tools
	bench/run.sh $(BENCH_SECONDS)

load:
	cargo run --release -p edgedesk-cli -- load --tool calculate_health --customer-id acme-001 \
		--concurrency 1,16,64 --seconds $(BENCH_SECONDS)

spin-latency: spin-build
	cargo run -p edgedesk-spin-host --example latency

smoke:
	cargo run -p edgedesk-cli -- smoke

## Fuzzing every parser of untrusted input. Each target first replays every
## input in fuzz/regressions/<target>/ (inputs that once found a bug), then
## explores for FUZZ_SECONDS. cargo-fuzz needs nightly-only
## compiler flags; the toolchain here is stable, so RUSTC_BOOTSTRAP unlocks
## them for the fuzz build alone.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := signed_headers tool_request stored_documents health_weights routing routes \
	session_tokens business_hours support_queries day_time_phrases twilio_webhooks google_notifications \
	sales_uploads
fuzz:
	@command -v cargo-fuzz >/dev/null || $(INSTALL) cargo-fuzz --version 0.13.2 --locked
	cd fuzz && ./seed-corpus.sh
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p regressions/$$t; \
		RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$t regressions/$$t -- -runs=0 2>&1 | tail -n 1; \
		RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$t -- -max_total_time=$(FUZZ_SECONDS) 2>&1 | tail -n 2; \
	done

clean:
	rm -rf workers/cloudflare/build $(STAMPS) $(STATE) target/e2e-workerd-state target/spin
