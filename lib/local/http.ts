/**
 * One bounded HTTP request to a local or dev-cluster server: a deadline, a cap on the bytes read, cancellation, and
 * errors in one line that say what went wrong (connection refused, unknown host, no answer in time, too large).
 *
 * @module
 */
import http from "node:http";
import tls from "node:tls";
import { UserError } from "../errors.ts";

/** A request. */
export interface HttpRequest {
  url: URL;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  /** Aborts the request (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /** The whole exchange, body included, must end within this. */
  timeoutMs: number;
  /** Reading stops with an error once the body passes this many bytes. */
  maxBytes: number;
  /**
   * Accept any TLS certificate: for a server reached through a port-forward to a dev pod, whose certificate names the
   * pod, not 127.0.0.1. Never for a URL the user typed.
   */
  insecure?: boolean;
  /** Why the deadline is what it is, for the timeout message ("a 30 s capture and a 60 s margin"). */
  timeoutReason?: string;
}

/** An answer (any status). */
export interface HttpAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: Uint8Array;
}

/** A request that got no usable answer: its message names the URL and the reason. */
export class HttpError extends UserError {
  /** The errno-style code of a transport failure (ECONNREFUSED…), or "TIMEOUT", "TOO_LARGE". */
  readonly reason: string;
  constructor(message: string, reason: string) {
    super(message, "INVALID_ARGUMENT");
    this.name = "HttpError";
    this.reason = reason;
  }
}

/** The URL as messages show it: without credentials. */
export function shownUrl(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const u = new URL(url.href);
  u.username = "";
  u.password = "";
  return u.href;
}

function transportError(url: URL, e: { code?: string; message?: string }): HttpError {
  const where = shownUrl(url);
  switch (e.code) {
    case "ECONNREFUSED":
      return new HttpError(
        `cannot connect to ${where}: connection refused (is the server running and listening on ${url.host}?)`,
        e.code,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new HttpError(`cannot connect to ${where}: unknown host ${url.hostname}`, e.code);
    case "ECONNRESET":
    case "EPIPE":
      return new HttpError(`${where}: the server closed the connection before answering in full`, e.code);
    default:
      return new HttpError(`${where}: ${e.message ?? String(e)}`, e.code ?? "ERROR");
  }
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Sends one request and reads the whole answer, whatever its status. Plain http and https without a certificate
 * check go through node:http (over a node:tls socket that accepts any certificate: Deno's node:https would need the
 * sys permission for the system's certificates); https with a check goes through fetch, with Deno's own roots.
 *
 * @throws {HttpError} when the server cannot be reached, does not answer in time, or sends more than `maxBytes`.
 * @throws {DOMException} AbortError when `signal` aborts.
 */
export function httpRequest(r: HttpRequest): Promise<HttpAnswer> {
  const { url } = r;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new UserError(`${shownUrl(url)}: only http:// and https:// URLs are supported`));
  }
  r.signal?.throwIfAborted();
  return url.protocol === "https:" && !r.insecure ? viaFetch(r) : viaNode(r);
}

function tooLarge(r: HttpRequest): HttpError {
  return new HttpError(
    `${shownUrl(r.url)}: the answer is larger than ${r.maxBytes} bytes, the cap on a download ` +
      "(PPROF_MCP_MAX_DOWNLOAD_BYTES raises it)",
    "TOO_LARGE",
  );
}

function timedOut(r: HttpRequest): HttpError {
  const why = r.timeoutReason ? ` (${r.timeoutReason})` : "";
  return new HttpError(`${shownUrl(r.url)}: no complete answer within ${seconds(r.timeoutMs)}${why}`, "TIMEOUT");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

function viaNode(r: HttpRequest): Promise<HttpAnswer> {
  const { url } = r;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.signal?.removeEventListener("abort", onAbort);
      f();
    };
    const fail = (e: unknown) => finish(() => reject(e));
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const options: http.RequestOptions = {
      method: r.method ?? "GET",
      headers: { "user-agent": "pprof-mcp", ...(r.headers ?? {}) },
      ...(url.protocol === "https:"
        ? { createConnection: () => tls.connect({ host: url.hostname, port, rejectUnauthorized: false }) }
        : {}),
    };
    const req = http.request(url.protocol === "https:" ? new URL("http:" + url.href.slice(6)) : url, options, (res) => {
      res.on("data", (c: Uint8Array) => {
        size += c.length;
        if (size > r.maxBytes) {
          fail(tooLarge(r));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on("end", () =>
        finish(() =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            contentType: String(res.headers["content-type"] ?? ""),
            body: concat(chunks, size),
          })
        ));
      res.on("error", (e: Error & { code?: string }) => fail(transportError(url, e)));
    });
    const onAbort = () => {
      fail(r.signal!.reason instanceof Error ? r.signal!.reason : new DOMException("aborted", "AbortError"));
      req.destroy();
    };
    r.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      fail(timedOut(r));
      req.destroy();
    }, r.timeoutMs);
    req.on("error", (e: Error & { code?: string }) => fail(transportError(url, e)));
    req.end();
  });
}

/** fetch's transport errors, as the errno-style codes of {@link transportError}. */
function fetchError(url: URL, e: unknown): HttpError {
  const text = [e instanceof Error ? e.message : String(e), (e as { cause?: Error })?.cause?.message ?? ""].join(" ");
  if (/connection refused/i.test(text)) return transportError(url, { code: "ECONNREFUSED" });
  if (/dns error|failed to lookup/i.test(text)) return transportError(url, { code: "ENOTFOUND" });
  if (/certificate|tls|handshake/i.test(text)) {
    const why = (e as { cause?: Error })?.cause?.message ?? text;
    return new HttpError(`${shownUrl(url)}: the server's TLS certificate was not accepted: ${why}`, "TLS");
  }
  return transportError(url, { message: (e as { cause?: Error })?.cause?.message ?? text });
}

async function viaFetch(r: HttpRequest): Promise<HttpAnswer> {
  const controller = new AbortController();
  let timedOutFlag = false;
  const timer = setTimeout(() => {
    timedOutFlag = true;
    controller.abort();
  }, r.timeoutMs);
  const onAbort = () => controller.abort();
  r.signal?.addEventListener("abort", onAbort, { once: true });
  const failure = (e: unknown) => {
    if (timedOutFlag) return timedOut(r);
    if (r.signal?.aborted) return r.signal.reason ?? new DOMException("aborted", "AbortError");
    return fetchError(r.url, e);
  };
  try {
    let res: Response;
    try {
      res = await fetch(r.url, {
        method: r.method ?? "GET",
        headers: { "user-agent": "pprof-mcp", ...(r.headers ?? {}) },
        signal: controller.signal,
      });
    } catch (e) {
      throw failure(e);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const c of res.body ?? []) {
        size += c.length;
        if (size > r.maxBytes) {
          controller.abort();
          throw tooLarge(r);
        }
        chunks.push(c);
      }
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw failure(e);
    }
    return {
      status: res.status,
      statusText: res.statusText,
      contentType: res.headers.get("content-type") ?? "",
      body: concat(chunks, size),
    };
  } finally {
    clearTimeout(timer);
    r.signal?.removeEventListener("abort", onAbort);
  }
}

/** The first line of an answer's body as text (at most 300 characters), for error messages. */
export function firstLine(body: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(body.subarray(0, 4096));
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "") ?? "";
  return line.length > 300 ? line.slice(0, 300) + "…" : line;
}
