/**
 * The MCP stdio transport: one JSON-RPC message a line on stdin and stdout.
 * Unlike the SDK's StdioServerTransport, which closes on a line over its
 * buffer limit and drops unparsable lines without a word, every bad line gets
 * a JSON-RPC error answer and the server stays up: -32700 for malformed JSON,
 * -32600 for what is not a JSON-RPC message (or is too long), -32602 for a
 * request whose params do not fit its method.
 *
 * @module
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { LineBuffer } from "./lines.ts";

/** The longest request line read (the SDK's own limit). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

/** What is wrong with a request or notification's params for its method, or undefined when they fit. */
export type ParamsCheck = (message: { method: string; params?: unknown }) => string | undefined;

/** Where the transport reads and writes; stdin and stdout by default. */
export interface StdioStreams {
  input: ReadableStream<Uint8Array>;
  /** Writes all of `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
}

async function writeStdout(bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
}

const encoder = new TextEncoder();

type Id = string | number | null;

/** A JSON-RPC transport over stdio that answers every unusable line instead of dropping it. */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  #streams: StdioStreams;
  #check: ParamsCheck | undefined;
  #lines: LineBuffer;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #writes: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(opts: { check?: ParamsCheck; streams?: StdioStreams; maxLineBytes?: number } = {}) {
    this.#streams = opts.streams ?? { input: Deno.stdin.readable, write: writeStdout };
    this.#check = opts.check;
    this.#lines = new LineBuffer(opts.maxLineBytes ?? MAX_LINE_BYTES);
  }

  /** Starts reading; the transport closes when the input ends. */
  start(): Promise<void> {
    this.#reader = this.#streams.input.getReader();
    void this.#read(this.#reader);
    return Promise.resolve();
  }

  async #read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.#closed) break;
        for (const line of this.#lines.push(value)) {
          if (line.kind === "oversized") {
            const limit = `${this.#lines.maxBytes / (1024 * 1024)} MiB`;
            this.#reply(
              line.id,
              ErrorCode.InvalidRequest,
              `Invalid Request: a message of ${line.bytes} bytes is over the ${limit} limit`,
            );
          } else this.#receive(line.text);
        }
      }
    } catch (e) {
      if (!this.#closed) this.onerror?.(e instanceof Error ? e : new Error(String(e)));
    }
    await this.close();
  }

  #receive(text: string): void {
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.#reply(null, ErrorCode.ParseError, `Parse error: ${(e as Error).message}`);
      return;
    }
    const problem = envelopeProblem(value);
    if (problem) {
      this.#reply(problem.id, ErrorCode.InvalidRequest, `Invalid Request: ${problem.message}`);
      return;
    }
    const m = value as { method?: unknown; id?: Id; params?: unknown };
    if (typeof m.method === "string") {
      const bad = this.#check?.({ method: m.method, params: m.params });
      if (bad !== undefined) {
        if ("id" in m) this.#reply(m.id!, ErrorCode.InvalidParams, `Invalid params for ${m.method}: ${bad}`);
        else this.onerror?.(new Error(`ignored notification ${m.method}: ${bad}`));
        return;
      }
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#reply("id" in m ? m.id! : null, ErrorCode.InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    this.onmessage?.(parsed.data);
  }

  #reply(id: Id, code: number, message: string): void {
    void this.#write({ jsonrpc: "2.0", id, error: { code, message } }).catch((e) => this.onerror?.(e));
  }

  /** Writes one message; messages go out whole and in the order they were sent. */
  send(message: JSONRPCMessage): Promise<void> {
    return this.#write(message);
  }

  #write(message: unknown): Promise<void> {
    const bytes = encoder.encode(JSON.stringify(message) + "\n");
    const done = this.#writes.then(() => this.#streams.write(bytes));
    this.#writes = done.catch(() => {});
    return done;
  }

  /** Resolves when everything sent so far is written. */
  flushed(): Promise<void> {
    return this.#writes;
  }

  /** Stops reading and reports the close (once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#reader?.cancel();
    } catch {
      // the input is already gone
    }
    this.onclose?.();
  }
}

/** What makes a parsed line no JSON-RPC 2.0 request, notification or response, with the id to answer. */
function envelopeProblem(v: unknown): { id: Id; message: string } | undefined {
  if (Array.isArray(v)) return { id: null, message: "batches are not supported; send one message a line" };
  if (v === null || typeof v !== "object") return { id: null, message: "a message must be a JSON object" };
  const m = v as Record<string, unknown>;
  const id = typeof m.id === "string" || (typeof m.id === "number" && Number.isSafeInteger(m.id)) ? m.id : null;
  if (m.jsonrpc !== "2.0") return { id, message: '"jsonrpc" must be "2.0"' };
  if ("id" in m && id === null) return { id, message: '"id" must be a string or an integer' };
  if ("method" in m) {
    return typeof m.method === "string" ? undefined : { id, message: '"method" must be a string' };
  }
  if (!("id" in m)) return { id, message: 'a message needs a "method" or an "id"' };
  if (!("result" in m) && !("error" in m)) return { id, message: 'a response needs a "result" or an "error"' };
  return undefined;
}
