/**
 * HTTP pieces the API clients share (Datadog, Pyroscope): one request with per-attempt timeouts, cancellation, a
 * cap on the body size, and the retry policy (429, 5xx and transport errors, exponential backoff with jitter,
 * `Retry-After`). Each client words its own errors from the {@link HttpFailure} this throws.
 *
 * @module
 */
/** An answer: status, headers, the whole body. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Attempts it took. */
  attempts: number;
}

/** How one request is sent and retried. */
export interface SendSpec {
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  /** 429, 5xx and transport failures are failures, tried again while attempts remain; else any status returns. */
  retry: boolean;
  /** Total attempts with `retry` (without it, one). */
  attempts: number;
  /** The largest body accepted. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
  /** The delay before attempt `n + 1`. */
  backoff(n: number): number;
  /** The longest `Retry-After` honoured. */
  retryAfterMaxMs: number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Awaited before every attempt (a token bucket). */
  beforeAttempt?(signal?: AbortSignal): Promise<void>;
  fetch?: typeof fetch;
  /** How sizes read in the size-cap message (the clients pass `formatByteSize`; util sits below profile). */
  formatBytes?: (n: number) => string;
}

/** Why a request failed: the body was too large, the transport failed, or every attempt got a retryable status. */
export class HttpFailure extends Error {
  readonly kind: "too_large" | "transport" | "status";
  /** The HTTP status of the last attempt, when there was an answer. */
  readonly status?: number;
  readonly attempts: number;

  constructor(kind: HttpFailure["kind"], detail: string, attempts: number, status?: number) {
    super(detail);
    this.name = "HttpFailure";
    this.kind = kind;
    this.attempts = attempts;
    this.status = status;
  }
}

/** The longest part of an error body quoted in a message. */
const BODY_QUOTE = 300;

/** A body as quoted in an error message: text, on one line, cut. */
export function quoteBody(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, BODY_QUOTE * 4)).replace(/\s+/g, " ").trim();
  return text.length > BODY_QUOTE ? text.slice(0, BODY_QUOTE) + "…" : text;
}

/** The cancellation error: the registry reports it as CANCELED. */
export function canceled(): DOMException {
  return new DOMException("the call was canceled", "AbortError");
}

class BodyTooLarge extends Error {}

async function readBody(res: Response, max: number | undefined, size: (n: number) => string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const declared = Number(res.headers.get("content-length") ?? "");
  if (max !== undefined && declared > max) {
    await res.body.cancel().catch(() => {});
    throw new BodyTooLarge(`the answer is ${size(declared)}, more than the cap of ${size(max)}`);
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (max !== undefined && total > max) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(`the answer is more than the cap of ${size(max)}`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A duration in the unit people read: `60s`, `250ms`. */
function seconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** A transport failure as a short phrase: connection refused, connection reset, timed out, DNS… */
export function describeTransport(e: unknown, timedOutAfter?: number): string {
  if (timedOutAfter !== undefined) return `timed out after ${seconds(timedOutAfter)}`;
  const text = e instanceof Error ? `${e.message} ${(e.cause as Error | undefined)?.message ?? ""}` : String(e);
  if (/refused/i.test(text)) return "connection refused";
  if (/reset|closed before|error reading a body|connection closed|unexpected eof|broken pipe/i.test(text)) {
    return "connection reset";
  }
  if (/dns|lookup|name or service not known|nodename/i.test(text)) return "DNS lookup failed";
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/**
 * A `Retry-After` value as a delay: integer seconds, or an HTTP date (delay = date − now); undefined when it gives
 * no positive delay. Capped at `maxMs`.
 */
export function retryAfterMs(value: string | null, nowMs: number, maxMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return ms > 0 ? Math.min(ms, maxMs) : undefined;
}

function rethrowCanceled(signal?: AbortSignal) {
  return (e: unknown) => {
    if (signal?.aborted) throw canceled();
    throw e;
  };
}

/**
 * Sends a request. With `retry`, 429, 5xx, connection failures and timeouts are tried again after
 * the backoff (or a 429's `Retry-After`); other statuses are returned for the caller to judge, as is any status of
 * a single attempt.
 *
 * @throws {HttpFailure} when the body is over the cap, or every attempt failed; an AbortError when `signal` aborts.
 */
export async function sendWithRetry(spec: SendSpec): Promise<HttpResponse> {
  const doFetch = spec.fetch ?? fetch;
  const retry = spec.retry;
  const attempts = retry ? spec.attempts : 1;
  let failure = "";
  let failedStatus: number | undefined;
  for (let n = 1; n <= attempts; n++) {
    if (spec.signal?.aborted) throw canceled();
    if (spec.beforeAttempt) await spec.beforeAttempt(spec.signal).catch(rethrowCanceled(spec.signal));
    const attempt = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, spec.timeoutMs);
    const onAbort = () => attempt.abort();
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    let delay: number;
    try {
      const res = await doFetch(spec.url, {
        method: spec.method,
        headers: spec.headers,
        body: spec.body as BodyInit | undefined,
        signal: attempt.signal,
      });
      const body = await readBody(res, spec.maxBodyBytes, spec.formatBytes ?? ((n) => `${n} bytes`));
      const retryable = res.status === 429 || res.status >= 500;
      if (!retry || !retryable) return { status: res.status, headers: res.headers, body, attempts: n };
      failure = `status ${res.status}: ${quoteBody(body)}`;
      failedStatus = res.status;
      const after = res.status === 429
        ? retryAfterMs(res.headers.get("retry-after"), Date.now(), spec.retryAfterMaxMs)
        : undefined;
      delay = after ?? spec.backoff(n);
    } catch (e) {
      if (spec.signal?.aborted) throw canceled();
      if (e instanceof BodyTooLarge) throw new HttpFailure("too_large", e.message, n);
      failure = describeTransport(e, timedOut ? spec.timeoutMs : undefined);
      failedStatus = undefined;
      if (!retry) throw new HttpFailure("transport", failure, n);
      delay = spec.backoff(n);
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
    }
    if (n < attempts) await spec.sleep(delay, spec.signal).catch(rethrowCanceled(spec.signal));
  }
  throw new HttpFailure(failedStatus === undefined ? "transport" : "status", failure, attempts, failedStatus);
}

/** "1 attempt", "5 attempts". */
export function attemptsText(n: number): string {
  return n === 1 ? "1 attempt" : `${n} attempts`;
}
