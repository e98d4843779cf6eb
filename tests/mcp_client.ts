/**
 * Starts `pprof-mcp mcp` the way an MCP client config runs it (`deno run` with
 * the binary's permission flags) and talks to it: through the SDK's own
 * Client, or line by line over raw stdio for what the SDK cannot send or
 * would hide (malformed input, the order of notifications and answers).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Client as ModernClient, type ClientOptions as ModernClientOptions } from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdioTransport } from "@modelcontextprotocol/client/stdio";
import { BINARY_PERMISSIONS } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

/** How a server is started. */
export interface LaunchOptions {
  env?: Record<string, string>;
  /** Arguments after `mcp`. */
  args?: string[];
  /** Replaces the binary's permission flags. */
  permissions?: string[];
  /** Another entry than main.ts (e.g. the bundle). */
  program?: string;
  /** The server's working directory. */
  cwd?: string;
}

/** The environment a client passes: a few of ours, then `extra`. */
function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "TZ", "NO_COLOR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

function denoArgs(opts: LaunchOptions): string[] {
  return ["run", ...(opts.permissions ?? BINARY_PERMISSIONS), opts.program ?? main, "mcp", ...(opts.args ?? [])];
}

/** A connected SDK client; `close()` stops the server. */
export async function startServer(opts: LaunchOptions = {}): Promise<Client> {
  return (await startLoggedServer(opts)).client;
}

/** A connected SDK client and what the server wrote on stderr so far. */
export async function startLoggedServer(
  opts: LaunchOptions = {},
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: denoArgs(opts),
    env: serverEnv(opts.env),
    stderr: "pipe",
    cwd: opts.cwd,
  });
  let log = "";
  transport.stderr?.on("data", (chunk: Uint8Array | string) => {
    log += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "pprof-mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => log };
}

/** The 2026-07-28 revision, which a modern client pins. */
export const MODERN_VERSION = "2026-07-28";

/**
 * A connected 2026-era client (the SDK's v2 Client pinned to 2026-07-28: no
 * `initialize`, `server/discover` first, the envelope in every request's
 * `_meta`) and what the server wrote on stderr so far; `close()` stops it.
 */
export async function startModernServer(
  opts: LaunchOptions = {},
  client: Omit<ModernClientOptions, "versionNegotiation"> = {},
): Promise<{ client: ModernClient; stderr: () => string }> {
  const transport = new ModernStdioTransport({
    command: Deno.execPath(),
    args: denoArgs(opts),
    env: serverEnv(opts.env),
    stderr: "pipe",
    cwd: opts.cwd,
  });
  let log = "";
  transport.stderr?.on("data", (chunk: Uint8Array | string) => {
    log += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  });
  const c = new ModernClient(
    { name: "pprof-mcp-test-2026", version: "1.0.0" },
    { ...client, versionNegotiation: { mode: { pin: MODERN_VERSION } } },
  );
  await c.connect(transport);
  return { client: c, stderr: () => log };
}

/** A JSON-RPC message as read from the server. */
// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

/** A hang guard for waits in tests (not a speed target: far above any normal answer). */
const WAIT_MS = 120_000;

/**
 * The server over raw stdio: writes lines, records every message it answers
 * in order of arrival.
 */
export class RawServer {
  readonly received: Message[] = [];
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #waiters: (() => void)[] = [];
  #stderr = "";
  #done: Promise<void>;
  #nextId = 1;
  #ended = false;

  constructor(opts: LaunchOptions = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: denoArgs(opts),
      env: serverEnv(opts.env),
      clearEnv: true,
      cwd: opts.cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#done = Promise.all([this.#readLines(), this.#readStderr()]).then(() => {});
  }

  async #readLines(): Promise<void> {
    let pending = "";
    for await (const text of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += text;
      let nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        this.received.push(JSON.parse(pending.slice(0, nl)));
        pending = pending.slice(nl + 1);
      }
      for (const w of this.#waiters.splice(0)) w();
    }
    this.#ended = true;
    for (const w of this.#waiters.splice(0)) w();
  }

  async #readStderr(): Promise<void> {
    for await (const text of this.#child.stderr.pipeThrough(new TextDecoderStream())) this.#stderr += text;
  }

  /** What the server wrote on stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Writes raw bytes (or text) to the server's stdin. */
  async write(data: string | Uint8Array): Promise<void> {
    await this.#writer.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
  }

  /** Writes one message as a line. */
  async send(message: Message): Promise<void> {
    await this.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
  }

  /** Sends a request with a fresh id; returns the id. */
  async request(method: string, params?: Message): Promise<number> {
    const id = this.#nextId++;
    await this.send({ id, method, ...(params ? { params } : {}) });
    return id;
  }

  /** The first received message (from index `from` on) that `match` accepts; waits for it. */
  async waitFor(match: (m: Message) => boolean, from = 0): Promise<Message> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      if (this.#ended || Date.now() > deadline) {
        const why = this.#ended ? `the server closed stdout (stderr: ${this.#stderr})` : "no answer in time";
        throw new Error(`${why}; got ${JSON.stringify(this.received).slice(0, 2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The answer to request `id`. */
  response(id: number | string | null): Promise<Message> {
    return this.waitFor((m) => m.id === id && ("result" in m || "error" in m));
  }

  /** Initializes the MCP session as a client does. */
  async initialize(): Promise<Message> {
    const id = await this.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw-test", version: "1" },
    });
    const r = await this.response(id);
    await this.send({ method: "notifications/initialized" });
    return r;
  }

  /** Sends a 2026-era request (the envelope in its `_meta`, merged with `meta`) with a fresh id; returns the id. */
  async modernRequest(method: string, params: Message = {}, meta: Message = {}): Promise<number> {
    const envelope = {
      "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
      "io.modelcontextprotocol/clientInfo": { name: "raw-test", version: "1" },
      "io.modelcontextprotocol/clientCapabilities": {},
    };
    return await this.request(method, { ...params, _meta: { ...envelope, ...params._meta, ...meta } });
  }

  /** Closes stdin and waits for the server to exit; returns its exit code. */
  async close(): Promise<number> {
    await this.#writer.close().catch(() => {});
    const status = await this.#child.status;
    await this.#done;
    return status.code;
  }
}
