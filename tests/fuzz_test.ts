/**
 * Fuzzing the decoder through the CLI's own entry (`runCli`, as `main.ts`
 * calls it): a few hundred mutated fixtures from a fixed seed (see
 * `fuzz_inputs.ts`), each either read or refused with exit code 2 and one
 * line that names the file; over `call pprof.top` (the MCP registry), an
 * INVALID_ARGUMENT error naming it. Never another exception, never a hang.
 * `bench/fuzz_campaign.ts` runs the same inputs, and more, as subprocesses.
 */
import assert from "node:assert/strict";
import { fuzzInputs } from "./fuzz_inputs.ts";

const SEED = 20240601;
const COUNT = 300;
// Generous: a fixture-sized input takes milliseconds; only a hang comes near this.
const TIMEOUT_MS = 30_000;

interface Outcome {
  code?: number;
  stdout?: string;
  stderr?: string;
  thrown?: string;
}

/** A worker running CLI commands; started anew after a hang. */
class CliWorker {
  #worker: Worker | undefined;

  /** Starts the worker and waits until it has loaded (compiling it takes a while: not part of any timeout). */
  async #ready(): Promise<Worker> {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL("./fuzz_worker.ts", import.meta.url), { type: "module" });
    await new Promise<void>((resolve) => w.onmessage = () => resolve());
    return this.#worker = w;
  }

  /** Runs `args`; a run that does not end within the timeout is reported as a hang and the worker ended. */
  async run(args: string[]): Promise<Outcome | "hang"> {
    const w = await this.#ready();
    return await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.close();
        resolve("hang");
      }, TIMEOUT_MS);
      w.onmessage = (e: MessageEvent<Outcome>) => {
        clearTimeout(timer);
        resolve(e.data);
      };
      w.postMessage(args);
    });
  }

  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}

Deno.test("fuzz: no malformed profile crashes or hangs the CLI or the tools", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pprof-fuzz-" });
  const worker = new CliWorker();
  const failures: string[] = [];
  let ok = 0, refused = 0;
  try {
    for (const [i, input] of fuzzInputs(SEED, COUNT).entries()) {
      const path = `${dir}/input${i}.pb`;
      await Deno.writeFile(path, input.bytes);
      const viaCall = i % 4 === 3;
      const args = viaCall ? ["call", "pprof.top", "--args", JSON.stringify({ profile: path })] : ["top", path];
      const r = await worker.run(args);
      const what = `#${i} (${input.name}) via ${args[0]}`;
      if (r === "hang") failures.push(`${what}: no answer within ${TIMEOUT_MS} ms`);
      else if (r.thrown) failures.push(`${what}: threw ${r.thrown}`);
      else if (r.code === 0) ok++;
      else {
        const lines = r.stderr!.trimEnd().split("\n");
        if (r.code !== 2) failures.push(`${what}: exit code ${r.code}: ${r.stderr}`);
        else if (lines.length !== 1 || !lines[0].startsWith(`pprof-mcp: ${path}: `)) {
          failures.push(`${what}: error is not one line naming the file: ${r.stderr}`);
        } else if (viaCall) {
          const error = JSON.parse(r.stdout!).error;
          if (error.code !== "INVALID_ARGUMENT" || !error.message.startsWith(path + ": ")) {
            failures.push(`${what}: tool error ${error.code}: ${error.message}`);
          }
        }
        refused++;
      }
      await Deno.remove(path);
    }
  } finally {
    worker.close();
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(failures, [], `${failures.length} of ${COUNT} inputs failed (${ok} read, ${refused} refused)`);
  // The mutations must mostly break the profiles, or the test exercises little.
  assert.ok(refused > COUNT / 2, `only ${refused} of ${COUNT} inputs were refused`);
});
