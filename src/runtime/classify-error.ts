/**
 * Which error kind of the scenario taxonomy a failed call was, read from what production
 * code actually throws: an HTTP status on an SDK error (Anthropic's and OpenAI's `APIError`
 * carry `status`, `headers` and the error body), a thrown `Response`, a network error code,
 * or a timeout. The harness retries, counts and falls back by these kinds exactly as the
 * simulator does, so `retryOn: [429, 503, timeout]` means the same thing in both.
 *
 * The mapping (override it with `createHarness(..., { classifyError })`):
 *
 * | seen | kind | why |
 * |---|---|---|
 * | 429 with `insufficient_quota` (OpenAI) | `quota` | the account is out of credit: a retry cannot succeed |
 * | 429 | `429` | rate limited; `retry-after-ms` / `retry-after` give the wait |
 * | 529, or `overloaded_error` (Anthropic) | `529` | overloaded across all users |
 * | 500, 502, other 5xx | `500` | server error |
 * | 503 | `503` | unavailable / overloaded |
 * | 504, 408, `TimeoutError`, `ETIMEDOUT`, undici timeouts | `timeout` | the call took too long |
 * | 409, `ECONNRESET`, `ECONNREFUSED`, `EPIPE`, `UND_ERR_SOCKET`, `fetch failed` | `503` | a connection that did not answer (SDKs retry these) |
 * | other 4xx (400, 401, 403, 404, 413, 422) | `400` | the request is wrong: never retried by default |
 * | anything else (a bug in the caller's code) | `other` | not the upstream's fault: never retried, not counted by the breaker |
 *
 * `529`, `500` and `quota` are the provider kinds of the taxonomy; a harness built on a
 * taxonomy without them reads them as `503`, `503` and `400` (see `knownKind`).
 */
export type ErrorKind = '429' | '503' | 'timeout' | '400' | '529' | '500' | 'quota' | 'other';

/** What `classifyError` says about a failed call. */
export interface ErrorClass {
  kind: ErrorKind;
  /** The wait the upstream asked for, in ms (0 when it asked for none). */
  retryAfterMs: number;
}

/** Reads a thrown value; see the table above. */
export function classifyError(error: unknown): ErrorClass {
  const e = asRecord(error);
  if (e === null) return { kind: 'other', retryAfterMs: 0 };
  const response = asRecord(e.response);
  const status = numberOf(e.status) ?? numberOf(e.statusCode) ?? numberOf(response?.status);
  const headers = e.headers ?? response?.headers;
  if (status !== undefined) return { kind: kindOfStatus(status, e), retryAfterMs: retryAfterMs(headers) };
  if (isTimeout(e)) return { kind: 'timeout', retryAfterMs: 0 };
  if (isConnectionError(e)) return { kind: '503', retryAfterMs: 0 };
  return { kind: 'other', retryAfterMs: 0 };
}

function kindOfStatus(status: number, error: Record<string, unknown>): ErrorKind {
  if (status === 429) return mentions(error, 'insufficient_quota') ? 'quota' : '429';
  if (status === 529 || mentions(error, 'overloaded_error')) return '529';
  if (status === 503) return '503';
  if (status === 504 || status === 408) return 'timeout';
  if (status === 409) return '503';
  if (status >= 500) return '500';
  if (status >= 400) return '400';
  return 'other';
}

/**
 * The wait a response asks for, in ms: `retry-after-ms` (OpenAI's, fractional ms) first, then
 * `retry-after` in seconds or as an HTTP date. Headers may be a `Headers` object or a plain record.
 */
export function retryAfterMs(headers: unknown): number {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 0;
}

function header(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value = (get as (n: string) => unknown).call(headers, name);
    return value === null || value === undefined ? undefined : String(value);
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function isTimeout(e: Record<string, unknown>): boolean {
  const name = String(e.name ?? '');
  if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError') return true;
  return TIMEOUT_CODES.has(codeOf(e)) || TIMEOUT_CODES.has(codeOf(asRecord(e.cause)));
}

function isConnectionError(e: Record<string, unknown>): boolean {
  if (String(e.name ?? '') === 'APIConnectionError') return true;
  if (CONNECTION_CODES.has(codeOf(e)) || CONNECTION_CODES.has(codeOf(asRecord(e.cause)))) return true;
  // undici's fetch rejects a refused or reset connection with TypeError('fetch failed').
  return e instanceof TypeError && e.message === 'fetch failed';
}

/** Whether the error's code, type or body names `word` (SDKs put it in different places). */
function mentions(e: Record<string, unknown>, word: string): boolean {
  const body = asRecord(e.error);
  const inner = asRecord(body?.error);
  const fields = [e.code, e.type, body?.code, body?.type, inner?.code, inner?.type];
  if (fields.some((f) => f === word)) return true;
  return typeof e.message === 'string' && e.message.includes(word);
}

function codeOf(e: Record<string, unknown> | null): string {
  return typeof e?.code === 'string' ? e.code : '';
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/**
 * The error a non-2xx `Response` stands for, to throw from an attempt that uses `fetch`:
 * it carries `status`, `headers` and the parsed body, so `classifyError` reads it as it
 * reads an SDK error.
 */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly error: unknown,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }

  /** Reads the body of a failed response (JSON if it parses) into an `HttpStatusError`. */
  static async from(response: Response): Promise<HttpStatusError> {
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return new HttpStatusError(response.status, response.headers, body);
  }
}
