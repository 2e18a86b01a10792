// Cold start of the Worker against the Hono baseline on local workerd
// (Miniflare's API): each round loads both scripts into fresh isolates and
// times (a) from the reload until the first signed calculate_health call
// is answered, (b) that first call alone, and (c) a warm call after it.
//
//   node bench/cold_start.mjs STATE_DIR HONO_BUNDLE ROUNDS OUT.json
import { Miniflare } from "miniflare";
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { honoWorker, persisted, rustWorker } from "./workers.mjs";

const [state, honoBundle, rounds = "10", out] = process.argv.slice(2);
const options = () => ({ workers: [rustWorker(), honoWorker(honoBundle)], ...persisted(state) });

let lastTs = 0;
function signed() {
  const ts = Math.max(Date.now(), lastTs + 1);
  lastTs = ts;
  const pathName = "/tools/calculate_health";
  const body = JSON.stringify({ customerId: "acme-001" });
  const client = "cold-start";
  const sig = createHmac("sha256", "dev-secret")
    .update(`v2\nPOST\n${pathName}\n${ts}\n${client}\n${body}`)
    .digest("hex");
  return [
    `http://localhost${pathName}`,
    {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-timestamp": String(ts),
        "x-client": client,
        "x-signature": `v2=${sig}`,
      },
    },
  ];
}

async function call(mf, name) {
  const worker = await mf.getWorker(name);
  const started = performance.now();
  const res = await worker.fetch(...signed());
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text}`);
  return performance.now() - started;
}

const mf = new Miniflare(options());
await mf.ready;
const results = { rust: [], hono: [] };
for (let i = 0; i < Number(rounds); i++) {
  // Alternate which Worker goes first, so neither always pays for the other.
  const order = i % 2 === 0 ? ["rust", "hono"] : ["hono", "rust"];
  for (const name of order) {
    const reloadStarted = performance.now();
    await mf.setOptions(options());
    const first = await call(mf, name);
    const toFirstAnswer = performance.now() - reloadStarted;
    const warm = await call(mf, name);
    results[name].push({ toFirstAnswer, first, warm });
  }
}
await mf.dispose();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {};
for (const [name, rows] of Object.entries(results)) {
  summary[name] = {
    rounds: rows.length,
    reloadToFirstAnswerMs: median(rows.map((r) => r.toFirstAnswer)),
    firstCallMs: median(rows.map((r) => r.first)),
    warmCallMs: median(rows.map((r) => r.warm)),
  };
}
console.log(JSON.stringify(summary, null, 1));
if (out) writeFileSync(out, JSON.stringify(summary, null, 1) + "\n");
