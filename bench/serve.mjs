// Serves the Rust Worker and the Hono baseline from one local workerd
// (Miniflare's API), each on its own socket straight from workerd, with
// the same persisted R2, D1 and KV state, so both read the same data and
// write the same replay table.
//
//   node bench/serve.mjs STATE_DIR RUST_PORT HONO_PORT HONO_BUNDLE [timed]
//
// Prints "ready" once both answer; stops on SIGINT or SIGTERM.
import { Miniflare } from "miniflare";
import path from "node:path";

const [state, rustPort, honoPort, honoBundle, timed] = process.argv.slice(2);
if (!honoBundle) {
  console.error("usage: node bench/serve.mjs STATE_DIR RUST_PORT HONO_PORT HONO_BUNDLE");
  process.exit(2);
}

// The same names and ids as wrangler.toml, so wrangler's local state
// (`--persist-to STATE_DIR`) is what both Workers see.
const storage = {
  compatibilityDate: "2026-05-01",
  bindings: { HMAC_SECRET: "dev-secret", TOOL_TIMEOUT_MS: "10000" },
  r2Buckets: { DATA: "edgedesk-data" },
  kvNamespaces: { CACHE: "edgedesk-cache" },
  d1Databases: { COPILOT_DB: "00000000-0000-0000-0000-000000000001" },
};

const mf = new Miniflare({
  workers: [
    {
      name: "rust",
      modules: true,
      scriptPath: path.resolve("workers/cloudflare/build/index.js"),
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(rustPort) }],
      ...storage,
      // Phase timings in a Server-Timing header, for the breakdown pass only.
      bindings: { ...storage.bindings, SERVER_TIMING: timed === "timed" ? "true" : "false" },
    },
    {
      name: "hono",
      modules: true,
      scriptPath: path.resolve(honoBundle),
      unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(honoPort) }],
      ...storage,
    },
  ],
  r2Persist: path.join(state, "v3", "r2"),
  d1Persist: path.join(state, "v3", "d1"),
  kvPersist: path.join(state, "v3", "kv"),
});

await mf.ready;
console.log("ready");
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
