// Checks the Hono baseline on Miniflare (local workerd) against what the
// Rust Worker answers: `node bench/hono/check.mjs` from anywhere.
//
// The clock is fixed with NOW_MS at 2026-11-22T12:00:00Z, the instant the
// OpenAPI example of calculate_health was computed at, so renewal
// distances match it.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Miniflare } from "miniflare";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const NOW_MS = 1795348800000;
const SECRET = "dev-secret";
const PATH = "/tools/calculate_health";
const CUSTOMERS = JSON.parse(readFileSync(join(root, "sample_data/manifest.json"), "utf8")).customers;

let failures = 0;
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail ? `\n     ${detail}` : ""}`);
  if (!ok) failures += 1;
}

// --- Build and start -------------------------------------------------------

const out = mkdtempSync(join(tmpdir(), "edgedesk-hono-"));
const script = join(out, "hono.js");
execFileSync(
  join(root, "node_modules/.bin/esbuild"),
  [join(here, "src/index.ts"), "--bundle", "--format=esm", `--outfile=${script}`, "--log-level=warning"],
  { stdio: "inherit" },
);

const mf = new Miniflare({
  scriptPath: script,
  modules: true,
  // Module names are paths relative to this root; the bundle lives in tmp.
  modulesRoot: out,
  compatibilityDate: "2026-05-01",
  r2Buckets: ["DATA"],
  d1Databases: ["COPILOT_DB"],
  kvNamespaces: ["CACHE"],
  bindings: { HMAC_SECRET: SECRET, NOW_MS: String(NOW_MS) },
});

try {
  const db = await mf.getD1Database("COPILOT_DB");
  const migrations = join(root, "migrations/copilot");
  for (const file of readdirSync(migrations).filter((f) => f.endsWith(".sql")).sort()) {
    const sql = readFileSync(join(migrations, file), "utf8");
    for (const statement of sql.split(";")) {
      const code = statement.replace(/--.*$/gm, "").trim();
      if (code) await db.prepare(code).run();
    }
  }

  const bucket = await mf.getR2Bucket("DATA");
  let stored = 0;
  for (const kind of ["usage", "tickets", "contract"]) {
    const dir = join(root, "sample_data", kind);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      await bucket.put(`${kind}/${file}`, readFileSync(join(dir, file), "utf8"));
      stored += 1;
    }
  }
  console.log(`seeded ${stored} documents into R2, migrations into D1`);

  // --- Calls -----------------------------------------------------------------

  // A fresh timestamp per call (inside the window), so no two calls share
  // a signature unless a test replays one on purpose.
  let tick = 0;
  function signed(body, { ts = NOW_MS + ++tick, secret = SECRET, client = "check" } = {}) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const sig = createHmac("sha256", secret)
      .update(`v2\nPOST\n${PATH}\n${ts}\n${client}\n`)
      .update(text)
      .digest("hex");
    return {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-timestamp": String(ts),
        "x-client": client,
        "x-signature": `v2=${sig}`,
      },
      body: text,
    };
  }

  async function call(init) {
    const res = await mf.dispatchFetch(`http://localhost${PATH}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  }

  const failed = (r, status, code, contains) =>
    r.status === status &&
    r.json?.ok === false &&
    r.json.data === null &&
    r.json.error?.code === code &&
    r.json.error.message.includes(contains);

  const answers = {};
  for (const id of CUSTOMERS) {
    const r = await call(signed({ customerId: id }));
    check(`${id}: 200 with an ok envelope`, r.status === 200 && r.json.ok && r.json.error === null, JSON.stringify(r.json));
    answers[id] = r.json.data;
    console.log(`     ${JSON.stringify(r.json.data)}`);
  }

  // The example in the API description, computed by the Rust Worker.
  const openapi = JSON.parse(readFileSync(join(root, "shared/copilot/openapi.json"), "utf8"));
  const example =
    openapi.operations.calculate_health.responses["200"].content["application/json"].example;
  check(
    "acme-001 equals the OpenAPI example of calculate_health (Rust's answer)",
    isDeepStrictEqual(answers["acme-001"], example.data),
    `got ${JSON.stringify(answers["acme-001"])}\n     want ${JSON.stringify(example.data)}`,
  );

  // Figures the Rust tests pin (shared/copilot/tests/behaviour.rs,
  // tests/e2e/cases/copilot.json).
  check(
    "bands: acme green, globex red, initech yellow",
    ["acme-001", "globex-002", "initech-003"].map((id) => answers[id].band).join() === "green,red,yellow",
  );
  check(
    "every answer: weights sum to 100, points round to the score, explanations",
    CUSTOMERS.every((id) => {
      const m = answers[id].measures;
      const weights = m.reduce((s, x) => s + x.weight, 0);
      const points = m.reduce((s, x) => s + x.points, 0);
      return weights === 100 && Math.round(points) === answers[id].score && m.every((x) => x.explanation);
    }),
  );
  check(
    "umbrella-004: no trend yet, usage trend scored neutral (60)",
    answers["umbrella-004"].trend === null && answers["umbrella-004"].measures[0].score === 60,
  );
  check(
    "globex-002: 2 critical tickets open, support load 0",
    answers["globex-002"].measures[2].inputs.openTickets.critical === 2 &&
      answers["globex-002"].measures[2].score === 0,
  );
  check(
    "initech-003: 18 days to renewal from 2026-11-22",
    answers["initech-003"].measures[3].inputs.daysToRenewal === 18,
  );

  let r = await call(signed({ customerId: "initech-003", params: { weights: { paymentStatus: 100 } } }));
  check(
    "weights from params: paymentStatus 100 scores 25, red",
    r.status === 200 && r.json.data.score === 25 && r.json.data.band === "red" &&
      r.json.data.measures[4].weight === 100 && r.json.data.measures[0].weight === 0,
    JSON.stringify(r.json),
  );
  r = await call(signed({ customerId: "acme-001", params: { weights: { usageTrend: 50, adoption: 40 } } }));
  check("weights must sum to 100: 400", failed(r, 400, "INVALID_INPUT", "must sum to 100, not 90"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "acme-001", params: { periodDays: 7 } }));
  check("periodDays 7: 200, window of 7", r.status === 200 && r.json.data.periodDays === 7, JSON.stringify(r.json));
  r = await call(signed({ customerId: "acme-001", params: { periodDays: 91 } }));
  check("periodDays 91: 400", failed(r, 400, "INVALID_INPUT", "params.periodDays must be a whole number from 7 to 90"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "acme-001", params: { perodDays: 30 } }));
  check("unknown parameter: 400", failed(r, 400, "INVALID_INPUT", "unknown parameter 'perodDays'; expected one of: periodDays, weights"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "acme-001", extra: 1 }));
  check("unknown body field: 400", failed(r, 400, "INVALID_INPUT", "unknown field 'extra'; the body takes customerId and params"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "../etc" }));
  check("bad customerId: 400", failed(r, 400, "INVALID_INPUT", "customerId may contain only letters"), JSON.stringify(r.json));
  r = await call(signed("{"));
  check("not JSON: 400", failed(r, 400, "INVALID_INPUT", "request body is not valid JSON"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "nobody-999" }));
  check("unknown customer: 404 MISSING_DATA", failed(r, 404, "MISSING_DATA", "no usage data for customer 'nobody-999'"), JSON.stringify(r.json));

  // --- Signing, replay, body limit ------------------------------------------

  const once = signed({ customerId: "hooli-005" });
  const first = await call(once);
  const replay = await call(once);
  check(
    "a replayed request is 401",
    first.status === 200 && failed(replay, 401, "UNAUTHORIZED", "already accepted; sign every call afresh"),
    JSON.stringify(replay.json),
  );
  const row = await db
    .prepare("SELECT client, expires_at FROM seen_calls WHERE signature = ?1")
    .bind(once.headers["x-signature"].slice(3))
    .first();
  check(
    "the accepted call is recorded in D1 until its window closes",
    row?.client === "check" && row.expires_at === Number(once.headers["x-timestamp"]) + 5 * 60 * 1000,
    JSON.stringify(row),
  );
  r = await call(signed({ customerId: "acme-001" }, { secret: "wrong-secret" }));
  check("a bad signature is 401", failed(r, 401, "UNAUTHORIZED", "signature does not match"), JSON.stringify(r.json));
  const tampered = signed({ customerId: "acme-001" });
  tampered.body = JSON.stringify({ customerId: "globex-002" });
  r = await call(tampered);
  check("a tampered body is 401", failed(r, 401, "UNAUTHORIZED", "signature does not match"), JSON.stringify(r.json));
  r = await call(signed({ customerId: "acme-001" }, { ts: NOW_MS - 5 * 60 * 1000 - 1 }));
  check("a stale timestamp is 401", failed(r, 401, "UNAUTHORIZED", "more than 5 minutes in the past"), JSON.stringify(r.json));
  const unsigned = signed({ customerId: "acme-001" });
  delete unsigned.headers["x-signature"];
  r = await call(unsigned);
  check("a missing signature is 401", failed(r, 401, "UNAUTHORIZED", "missing X-Signature header"), JSON.stringify(r.json));
  const big = JSON.stringify({ customerId: "acme-001", pad: "x".repeat(64 * 1024) });
  r = await call(signed(big));
  check("a body over 64 KiB is 413", failed(r, 413, "INVALID_INPUT", "larger than 65536 bytes"), JSON.stringify(r.json));

  const ok = await call(signed({ customerId: "acme-001" }));
  check(
    "headers: JSON content type, no-store, nosniff, request id",
    ok.headers.get("content-type") === "application/json; charset=utf-8" &&
      ok.headers.get("cache-control") === "no-store" &&
      ok.headers.get("x-content-type-options") === "nosniff" &&
      /^[0-9a-f]{32}$/.test(ok.headers.get("x-request-id") ?? ""),
    [...ok.headers].join(" "),
  );
} finally {
  await mf.dispose();
  rmSync(out, { recursive: true, force: true });
}

console.log(failures === 0 ? "all checks passed" : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
