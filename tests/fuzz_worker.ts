/**
 * Runs CLI commands for `fuzz_test.ts` in a worker, so that the test can end
 * a command that hangs: receives `args`, answers with the exit code and output,
 * or with the exception the CLI let through. Says "ready" once loaded.
 */
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<string[]>) => void) | null;
  postMessage(m: unknown): void;
};

scope.onmessage = async (e) => {
  const io = memoryIO();
  try {
    const code = await runCli(e.data, io);
    scope.postMessage({ code, stdout: io.stdout, stderr: io.stderr });
  } catch (err) {
    scope.postMessage({ thrown: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) });
  }
};
scope.postMessage("ready");
