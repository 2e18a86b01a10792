// The signed `calculate_health` tool call of the Rust Worker, written the
// way a Workers user would with Hono. Kept only as a benchmark baseline:
// same route, same bindings, same answers.
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { idProblem, recordCall, verifyCall } from "./auth";
import {
  DAY_MS,
  DEFAULT_WEIGHTS,
  MEASURES,
  answer,
  asOfDay,
  assess,
  isSorted,
  parseWeights,
  readContract,
  readTickets,
  readUsage,
} from "./health";
import type { Weights } from "./health";
import type { Env, R2Bucket } from "./types";
import { ApiError, failure, invalid, missing } from "./types";

const MAX_BODY_BYTES = 64 * 1024;
/** Largest stored document read whole. */
const MAX_BLOB_BYTES = 1 << 20;
const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

type AppEnv = { Bindings: Env };

const app = new Hono<AppEnv>();

function fail(c: Context, e: ApiError): Response {
  return c.json(
    { ok: false, data: null, error: { code: e.code, message: e.message } },
    e.status,
    JSON_TYPE,
  );
}

/** `NOW_MS` exists only so checks can fix the clock; production leaves it unset. */
const nowMs = (env: Env) => (env.NOW_MS ? Number(env.NOW_MS) : Date.now());

function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// The headers the Rust kernel puts on every answer. Set before the handler
// runs, so they land on every response it or the error handler makes.
app.use(async (c, next) => {
  c.header("x-request-id", randomHex(16));
  c.header("cache-control", "no-store");
  c.header("x-content-type-options", "nosniff");
  await next();
});

// ---------------------------------------------------------------------
// The request body.

interface ToolRequest {
  customerId: string;
  params: Record<string, unknown>;
}

const HEALTH_PARAMS = ["periodDays", "weights"];

// fatal: invalid UTF-8 is refused; ignoreBOM: a BOM stays and fails to parse,
// as serde_json refuses both.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** serde_json's maps are sorted, so Rust names the alphabetically first stranger. */
const firstUnknown = (obj: object, allowed: readonly string[]) =>
  Object.keys(obj)
    .sort()
    .find((k) => !allowed.includes(k));

function parseToolRequest(body: Uint8Array): ToolRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch (e) {
    throw invalid(`request body is not valid JSON: ${e instanceof Error ? e.message : e}`);
  }
  const shape = "customerId and params";
  if (!isObject(parsed)) throw invalid(`request body must be a JSON object with ${shape}`);
  const unknown = firstUnknown(parsed, ["customerId", "params"]);
  if (unknown !== undefined) throw invalid(`unknown field '${unknown}'; the body takes ${shape}`);

  const id = parsed.customerId;
  if (id === undefined || id === null) throw invalid("customerId is required");
  if (typeof id !== "string") throw invalid("customerId must be a string");
  const problem = idProblem(id);
  if (problem !== null) throw invalid(`customerId ${problem}`);

  const params = parsed.params === undefined ? {} : parsed.params;
  if (!isObject(params)) throw invalid("params must be a JSON object");
  return { customerId: id, params };
}

/** A whole number in `min..=max`, or `fallback` when absent. */
function intParam(
  params: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`params.${name} must be a whole number from ${min} to ${max}`);
  }
  return v;
}

/** `HEALTH_WEIGHTS`: an invalid setting fails the call, never falls back. */
function serverWeights(env: Env): Weights {
  const spec = env.HEALTH_WEIGHTS?.trim();
  if (!spec) return DEFAULT_WEIGHTS;
  const weights = parseWeights(spec);
  if (weights === null) throw failure("the server's HEALTH_WEIGHTS setting is invalid");
  return weights;
}

/** `params.weights`: whole numbers 0-100 summing to 100; measures left out weigh 0. */
function weightsParam(params: Record<string, unknown>, fallback: Weights): Weights {
  const raw = params.weights;
  if (raw === undefined) return fallback;
  if (!isObject(raw)) throw invalid("params.weights must be an object");
  const weights = [0, 0, 0, 0, 0];
  for (const name of Object.keys(raw).sort()) {
    const k = (MEASURES as readonly string[]).indexOf(name);
    if (k < 0) {
      throw invalid(`params.weights.${name} is not a measure; expected: ${MEASURES.join(", ")}`);
    }
    const v = raw[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 100) {
      throw invalid(`params.weights.${name} must be a whole number from 0 to 100`);
    }
    weights[k] = v;
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum !== 100) throw invalid(`params.weights must sum to 100, not ${sum}`);
  return weights;
}

// ---------------------------------------------------------------------
// The customer's documents in R2.

type DocName = "usage" | "tickets" | "contract";

async function load<S, T>(
  bucket: R2Bucket,
  what: DocName,
  id: string,
  read: (stored: S) => T,
): Promise<T> {
  const unavailable = (e: unknown): never => {
    console.error(`R2 ${what}`, e);
    throw failure(`the ${what} data store is unavailable; try again`);
  };
  // The id was validated, so the key cannot escape its prefix.
  const object = await bucket.get(`${what}/${id}.json`).catch(unavailable);
  if (object === null) throw missing(`no ${what} data for customer '${id}'`);
  if (object.size > MAX_BLOB_BYTES) {
    throw failure(
      `stored ${what} data for customer '${id}' is larger than ${MAX_BLOB_BYTES} bytes`,
    );
  }
  const text = await object.text().catch(unavailable);
  try {
    return read(JSON.parse(text) as S);
  } catch {
    throw failure(`stored ${what} data for customer '${id}' is unreadable`);
  }
}

async function loadAll(bucket: R2Bucket, id: string) {
  const [usage, tickets, contract] = await Promise.allSettled([
    load(bucket, "usage", id, readUsage),
    load(bucket, "tickets", id, readTickets),
    load(bucket, "contract", id, readContract),
  ]);
  // All three are read in parallel; as in Rust, the first failure in this
  // order is reported, whichever finished first.
  if (usage.status === "rejected") throw usage.reason;
  if (tickets.status === "rejected") throw tickets.reason;
  if (contract.status === "rejected") throw contract.reason;
  return { usage: usage.value, tickets: tickets.value, contract: contract.value };
}

async function calculateHealth(env: Env, req: ToolRequest, today: number) {
  const { customerId: id, params } = req;
  const unknown = firstUnknown(params, HEALTH_PARAMS);
  if (unknown !== undefined) {
    throw invalid(`unknown parameter '${unknown}'; expected one of: ${HEALTH_PARAMS.join(", ")}`);
  }
  const periodDays = intParam(params, "periodDays", 7, 90, 30);
  const weights = weightsParam(params, serverWeights(env));
  const d = await loadAll(env.DATA, id);
  if (!isSorted(d.usage)) throw failure(`stored usage data for customer '${id}' is unreadable`);
  const asOf = asOfDay(d.usage, today);
  if (asOf === null) throw missing(`usage data for customer '${id}' has no days yet`);
  const a = assess(d.usage, d.tickets, d.contract, asOf, today, periodDays, weights);
  return { ...answer(a), customerId: id, tool: "calculate_health" };
}

// ---------------------------------------------------------------------
// Routes.

const tooLarge = (c: Context) =>
  fail(c, invalid(`request body is larger than ${MAX_BODY_BYTES} bytes`, 413));

app.post(
  "/tools/calculate_health",
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }),
  async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const now = nowMs(c.env);
    const url = new URL(c.req.url);
    const call = await verifyCall(
      {
        method: c.req.method,
        target: url.pathname + url.search,
        timestamp: c.req.header("x-timestamp"),
        client: c.req.header("x-client"),
        signature: c.req.header("x-signature"),
        body,
      },
      c.env.HMAC_SECRET,
      now,
    );
    await recordCall(c.env.COPILOT_DB, call, now);
    const req = parseToolRequest(body);
    const data = await calculateHealth(c.env, req, Math.floor(now / DAY_MS));
    return c.json({ ok: true, data, error: null }, 200, JSON_TYPE);
  },
);

app.all("/tools/calculate_health", (c) => {
  c.header("allow", "POST, OPTIONS");
  return fail(c, invalid(`${c.req.method} is not allowed here; use POST, OPTIONS`, 405));
});

app.notFound((c) => fail(c, invalid(`no endpoint at ${new URL(c.req.url).pathname}`, 404)));

app.onError((err, c) => {
  if (err instanceof ApiError) return fail(c, err);
  console.error(err);
  return fail(c, failure("internal error"));
});

export default app;
