import type { ContentfulStatusCode } from "hono/utils/http-status";

// The few binding methods this Worker calls, typed by hand: the repository
// does not depend on @cloudflare/workers-types.
export interface R2ObjectBody {
  readonly size: number;
  text(): Promise<string>;
}

export interface R2Bucket {
  get(key: string): Promise<R2ObjectBody | null>;
}

export interface D1Result {
  meta: { changes?: number };
}

export interface D1PreparedStatement {
  bind(...values: (string | number | null)[]): D1PreparedStatement;
  run(): Promise<D1Result>;
}

export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
}

export interface Env {
  DATA: R2Bucket;
  COPILOT_DB: D1Database;
  /** One secret, or several comma-separated during a rotation. */
  HMAC_SECRET?: string;
  /** `usageTrend=25,adoption=25,...`; unset means the defaults. */
  HEALTH_WEIGHTS?: string;
  /** For checks only: a fixed clock (unix ms) in place of `Date.now()`. */
  NOW_MS?: string;
}

export type ErrorCode =
  | "TIMEOUT"
  | "INVALID_INPUT"
  | "TOOL_FAILURE"
  | "MISSING_DATA"
  | "UNAUTHORIZED";

const DEFAULT_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  TIMEOUT: 504,
  INVALID_INPUT: 400,
  TOOL_FAILURE: 500,
  MISSING_DATA: 404,
  UNAUTHORIZED: 401,
};

/** An error the caller sees as `{ok:false, data:null, error:{code, message}}`. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    status?: ContentfulStatusCode,
  ) {
    super(message);
    this.status = status ?? DEFAULT_STATUS[code];
  }
}

export const invalid = (message: string, status?: ContentfulStatusCode) =>
  new ApiError("INVALID_INPUT", message, status);
export const unauthorized = (message: string) => new ApiError("UNAUTHORIZED", message);
export const missing = (message: string) => new ApiError("MISSING_DATA", message);
export const failure = (message: string) => new ApiError("TOOL_FAILURE", message);
