/**
 * A fuzz campaign through the real CLI: mutated fixtures (see
 * `tests/fuzz_inputs.ts`) each run as `deno run -A main.ts top FILE` (or
 * `call pprof.top` with `--via=call`) in a subprocess, counted as ok (exit 0),
 * clean error (exit 2 and one line naming the file; over `call`, an
 * INVALID_ARGUMENT error naming it), crash (anything else) or hang (no exit
 * within the timeout).
 *
 *   deno run -A bench/fuzz_campaign.ts [--count=1000] [--seed=1] [--jobs=2] [--timeout=60] [--via=cli|call]
 *     [--root=DIR]   (the checkout whose main.ts runs; default this one)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fuzzInputs } from "../tests/fuzz_inputs.ts";

const { values: o } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    jobs: { type: "string", default: "2" },
    timeout: { type: "string", default: "60" },
    via: { type: "string", default: "cli" },
    root: { type: "string", default: new URL("..", import.meta.url).pathname },
  },
});

type Outcome = "ok" | "clean error" | "crash" | "hang";

const inputs = fuzzInputs(Number(o.seed), Number(o.count));
const dir = await Deno.makeTempDir({ prefix: "pprof-fuzz-" });
const main = `${o.root}/main.ts`;
const timeoutMs = Number(o.timeout) * 1000;
const counts: Record<Outcome, number> = { ok: 0, "clean error": 0, crash: 0, hang: 0 };
const bad: string[] = [];

function classify(path: string, code: number, stdout: string, stderr: string): Outcome {
  if (code === 0) return "ok";
  if (code !== 2) return "crash";
  if (o.via === "call") {
    try {
      const e = JSON.parse(stdout).error;
      return e?.code === "INVALID_ARGUMENT" && String(e.message).startsWith(path + ": ") ? "clean error" : "crash";
    } catch {
      return "crash";
    }
  }
  const lines = stderr.trimEnd().split("\n");
  return lines.length === 1 && lines[0].startsWith(`pprof-mcp: ${path}: `) ? "clean error" : "crash";
}

async function runOne(i: number): Promise<void> {
  const path = `${dir}/input${i}.pb`;
  await Deno.writeFile(path, inputs[i].bytes);
  const args = o.via === "call"
    ? ["run", "-A", main, "call", "pprof.top", "--args", JSON.stringify({ profile: path })]
    : ["run", "-A", main, "top", path];
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", PPROF_MCP_BASEDIR: dir },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const started = performance.now();
  const r = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  const outcome: Outcome = performance.now() - started >= timeoutMs && r.signal === "SIGKILL"
    ? "hang"
    : classify(path, r.code, dec.decode(r.stdout), dec.decode(r.stderr));
  counts[outcome]++;
  if (outcome === "crash" || outcome === "hang") {
    bad.push(`${outcome}: #${i} ${inputs[i].name}: ${dec.decode(r.stderr).trim().split("\n")[0]}`);
  }
  await Deno.remove(path);
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(o.jobs) }, async () => {
    while (next < inputs.length) await runOne(next++);
  }),
);
await Deno.remove(dir, { recursive: true });
for (const line of bad.slice(0, 20)) console.log(line);
if (bad.length > 20) console.log(`... and ${bad.length - 20} more`);
console.log(
  `${inputs.length} inputs (seed ${o.seed}, via ${o.via}) in ${((performance.now() - started) / 1000).toFixed(0)} s: ` +
    Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", "),
);
