/**
 * Launches the MCP server (`pprof-mcp mcp`).
 *
 * With `PPROF_MCP_BASEDIR` set, the server runs inside a Worker whose Deno
 * permissions allow reading and writing only inside the base dir, underneath
 * the tools' own path checks (which also resolve symlinks, which Deno's
 * permission checks do not). The server itself is loaded only in the thread
 * that serves.
 *
 * @module
 */
import { resolveBaseDir } from "./lib/tools/basedir.ts";

async function serveStdio(args: string[]): Promise<void> {
  const server = await import("./lib/mcp/server.ts");
  await server.serveStdio(args);
}

/** Worker options that let it read and write only inside `dirs` (network and environment as the process). */
export function confinedWorkerOptions(dirs: string[]): WorkerOptions {
  const permissions = { read: dirs, write: dirs, net: "inherit", env: "inherit", run: false, ffi: false };
  // Deno's `deno.permissions` worker option is not in the standard WorkerOptions type.
  return { deno: { permissions } } as unknown as WorkerOptions;
}

/**
 * Serves MCP from a Worker allowed to read and write only inside `base`.
 * Returns false when Deno refuses such a worker (no --unstable-worker-options,
 * or the process has less access than that), so the caller can run unconfined.
 */
export async function serveConfined(args: string[], base: string, entry: string): Promise<boolean> {
  const dirs = [base];
  try {
    const real = Deno.realPathSync(base);
    if (real !== base) dirs.push(real);
  } catch {
    // a base dir that does not exist yet: the tools report it on use
  }
  let worker: Worker;
  try {
    worker = new Worker(entry, { type: "module", ...confinedWorkerOptions(dirs) });
  } catch (e) {
    console.error(
      `pprof-mcp: cannot confine the tools to ${base} with Deno permissions (${(e as Error).message}); ` +
        "run with --unstable-worker-options. Path checks still apply.",
    );
    return false;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (e) => {
        if (e.data === "closed") resolve();
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage({ args, base });
    });
  } finally {
    worker.terminate();
  }
  return true;
}

/**
 * Runs the MCP server, confined to `PPROF_MCP_BASEDIR` when it is set. A
 * process that was started with scoped `--allow-read`/`--allow-write` is
 * already confined by Deno and serves directly.
 */
export async function runMcp(args: string[], entry: string): Promise<void> {
  const base = resolveBaseDir(Deno.env.get("PPROF_MCP_BASEDIR"));
  const broadAccess = Deno.permissions.querySync({ name: "read" }).state === "granted" ||
    Deno.permissions.querySync({ name: "write" }).state === "granted";
  if (base !== undefined && broadAccess) {
    if (await serveConfined(args, base, entry)) return;
  }
  await serveStdio(args);
}

/** The confined worker's side: wait for the arguments, serve, report when done. */
export function workerMain(): void {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent) => void) | null;
    postMessage(m: unknown): void;
  };
  scope.onmessage = async (e: MessageEvent) => {
    scope.onmessage = null;
    Deno.env.set("PPROF_MCP_BASEDIR", e.data.base);
    await serveStdio(e.data.args);
    scope.postMessage("closed");
  };
}
