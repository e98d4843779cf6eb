/**
 * Run by gotime_test.ts in a subprocess with `TZ` set: reads profile times
 * (nanoseconds, as strings) on stdin and prints `[report form, raw form]` for
 * each as JSON. With `--confined` the formatting runs in a worker that may read
 * only a temporary directory, as the confined MCP server does.
 */
import { formatGoTime, formatReportTime } from "../lib/format/gotime.ts";

const format = (nanos: string[]) => nanos.map((n) => [formatReportTime(BigInt(n)), formatGoTime(BigInt(n))]);

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
if (!("WorkerGlobalScope" in globalThis)) {
  const nanos: string[] = JSON.parse(await new Response(Deno.stdin.readable).text());
  if (Deno.args[0] === "--confined") {
    const { confinedWorkerOptions } = await import("../mcp.ts");
    const dir = Deno.makeTempDirSync();
    const worker = new Worker(import.meta.url, { type: "module", ...confinedWorkerOptions([dir]) });
    const out = await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage(nanos);
    });
    worker.terminate();
    Deno.removeSync(dir);
    console.log(JSON.stringify(out));
  } else {
    console.log(JSON.stringify(format(nanos)));
  }
} else {
  scope.onmessage = (e) => {
    let out: unknown;
    try {
      out = format(e.data);
    } catch (err) {
      out = { error: String(err) };
    }
    scope.postMessage(out);
  };
}
