// The two Workers the benchmarks compare, as Miniflare options: the same
// bindings, names and ids as wrangler.toml, so wrangler's local state
// (`--persist-to STATE_DIR`) is what both see.
import path from "node:path";

const storage = {
  compatibilityDate: "2026-05-01",
  bindings: {
    HMAC_SECRET: "dev-secret",
    TOOL_TIMEOUT_MS: "10000",
    SECRET_KEY: "bench-session-secret",
    TWILIO_AUTH_TOKEN: "dev-twilio-token",
  },
  r2Buckets: { DATA: "edgedesk-data" },
  kvNamespaces: { CACHE: "edgedesk-cache" },
  d1Databases: {
    COPILOT_DB: "00000000-0000-0000-0000-000000000001",
    SUPPORT_DB: "00000000-0000-0000-0000-000000000002",
    RECEPTIONIST_DB: "00000000-0000-0000-0000-000000000003",
  },
};

/** The Rust Worker as `make build` built it; `bindings` are added to its own. */
export function rustWorker(extra = {}, bindings = {}) {
  return {
    name: "rust",
    modules: true,
    scriptPath: path.resolve("workers/cloudflare/build/index.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    ...storage,
    bindings: { ...storage.bindings, ...bindings },
    // The rate limiter's buckets, one Durable Object each (as wrangler.toml).
    durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
    ...extra,
  };
}

/** The Hono baseline, bundled to `bundle`. */
export function honoWorker(bundle, extra = {}) {
  return { name: "hono", modules: true, scriptPath: path.resolve(bundle), ...storage, ...extra };
}

/** Where the persisted state of `state` keeps each store. */
export function persisted(state) {
  return {
    r2Persist: path.join(state, "v3", "r2"),
    d1Persist: path.join(state, "v3", "d1"),
    kvPersist: path.join(state, "v3", "kv"),
    durableObjectsPersist: path.join(state, "v3", "do"),
  };
}
