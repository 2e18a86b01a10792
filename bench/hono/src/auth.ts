// The signed-call check (v2 scheme) and its replay record, as the Rust
// kernel does them: shared/core/src/signing.rs, shared/kernel/src/replay.rs.
import type { D1Database } from "./types";
import { failure, unauthorized } from "./types";

/** How far a timestamp may lie from the server clock, either way. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();

/** Why an id is refused, or null when it is acceptable (shared/core/src/ids.rs). */
export function idProblem(id: string): string | null {
  if (id.length === 0) return "must not be empty";
  // The limit is in bytes, as in Rust.
  if (encoder.encode(id).length > 64) return "must be at most 64 characters";
  if (!/^[A-Za-z0-9._-]+$/.test(id)) return "may contain only letters, digits, '.', '_' and '-'";
  if (id.startsWith(".")) return "must not start with '.'";
  return null;
}

/** A call whose signature and timestamp checked out. */
export interface VerifiedCall {
  timestampMs: number;
  client: string;
  /** The 64 lowercase hex characters of the signature. */
  signatureHex: string;
  signature: Uint8Array;
}

export interface SignedRequest {
  method: string;
  /** The path, with `?query` when there is one, as sent. */
  target: string;
  timestamp: string | undefined;
  client: string | undefined;
  signature: string | undefined;
  body: Uint8Array;
}

// Importing a key costs more than the HMAC itself: once per secret per isolate.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** `HMAC_SECRET`, comma-separated, blanks dropped. */
function secrets(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function fromHex(hex: string) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/**
 * Checks headers, timestamp window and signature against every secret, in
 * the order (and with the messages) of the Rust `verify_call`.
 */
export async function verifyCall(
  req: SignedRequest,
  secretSetting: string | undefined,
  nowMs: number,
): Promise<VerifiedCall> {
  const { timestamp, client, signature } = req;
  if (timestamp === undefined) throw unauthorized("missing X-Timestamp header");
  if (client === undefined) throw unauthorized("missing X-Client header");
  if (signature === undefined) throw unauthorized("missing X-Signature header");

  // Digits only, no leading zero (one instant, one spelling), at most 15.
  if (!/^[1-9][0-9]{0,14}$/.test(timestamp)) {
    throw unauthorized(
      "X-Timestamp must be unix epoch milliseconds (digits only, no leading zero)",
    );
  }
  const timestampMs = Number(timestamp);
  if (idProblem(client) !== null) {
    throw unauthorized("X-Client must be 1-64 characters of letters, digits, '.', '_' or '-'");
  }
  const v2 = signature.startsWith("v2=");
  const hex = v2 ? signature.slice(3) : signature;
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw unauthorized("X-Signature must be v2= and 64 lowercase hex characters");
  }
  if (!v2) {
    // The seed's v1 format is not accepted here (ACCEPT_V1_SIGNATURES unset).
    throw unauthorized(
      'this server accepts v2 signatures only: X-Signature: v2=<hex HMAC-SHA256 of "v2\\n{METHOD}\\n{path}\\n{timestamp}\\n{client}\\n{body}">',
    );
  }
  if (timestampMs < nowMs - MAX_SKEW_MS) {
    throw unauthorized("X-Timestamp is more than 5 minutes in the past");
  }
  if (timestampMs > nowMs + MAX_SKEW_MS) {
    throw unauthorized("X-Timestamp is more than 5 minutes in the future");
  }

  const live = secrets(secretSetting);
  if (live.length === 0) throw failure("request signing is not configured on this server");
  const prefix = encoder.encode(`v2\n${req.method}\n${req.target}\n${timestamp}\n${client}\n`);
  const message = new Uint8Array(prefix.length + req.body.length);
  message.set(prefix);
  message.set(req.body, prefix.length);
  const sig = fromHex(hex);
  // Every secret is tried, so timing does not depend on which one matched;
  // crypto.subtle.verify compares in constant time.
  const matches = await Promise.all(
    live.map(async (s) => crypto.subtle.verify("HMAC", await hmacKey(s), sig, message)),
  );
  if (!matches.includes(true)) throw unauthorized("signature does not match");
  return { timestampMs, client, signatureHex: hex, signature: sig };
}

/**
 * Records the call so the same signed request is accepted once. D1 is
 * strongly consistent, and the primary key makes a replay fail to insert.
 */
export async function recordCall(
  db: D1Database,
  call: VerifiedCall,
  nowMs: number,
): Promise<void> {
  let changes: number;
  try {
    const result = await db
      .prepare(
        "INSERT INTO seen_calls (signature, client, expires_at) VALUES (?1, ?2, ?3) " +
          "ON CONFLICT (signature) DO NOTHING",
      )
      .bind(call.signatureHex, call.client, call.timestampMs + MAX_SKEW_MS)
      .run();
    changes = result.meta.changes ?? 0;
  } catch (e) {
    console.error("replay record", e);
    throw failure("replay protection is unavailable, so the call was not run; try again");
  }
  if (changes === 0) {
    throw unauthorized("this signed request was already accepted; sign every call afresh");
  }
  // Prune about one call in sixteen (signatures are uniformly random). The
  // call is recorded already: a failed prune must not fail it.
  if (call.signature[0] < 16) {
    try {
      await db
        .prepare("DELETE FROM seen_calls WHERE expires_at < ?1")
        .bind(nowMs - MAX_SKEW_MS)
        .run();
    } catch {
      // Ignored: the next pruning call will catch up.
    }
  }
}
