/**
 * The Datadog tools at work on 30 profiles: `datadog profiles aggregate` of 30 bundles and `datadog
 * function_history` over 30 profiles, each a whole CLI process against the Datadog test double, wall time and
 * peak memory (GNU time), with the merged top checked against `pprof-mcp merge` of the same 30 files.
 *
 *   deno run -A bench/datadog30.ts                  # bundles of the fixtures (cpu.pb.gz, cpu_after.pb.gz…)
 *   deno run -A bench/datadog30.ts --generated      # CPU members of 6000 samples each, as bench/merge60.sh makes
 *   deno run -A bench/datadog30.ts --rps=2          # with the default rate limit (2 requests/s, burst 4)
 *   deno run -A bench/datadog30.ts --runs=3         # the fastest of 3 runs of each command
 *
 * @module
 */
import { parseArgs } from "node:util";
import { encodeProfileGzip } from "../lib/profile/encode.ts";
import { DatadogDouble, doubleEnv, goBundle, type Member, profilesOf } from "../tests/support/datadog_double.ts";
import { generateProfile } from "./gen_profile.ts";

const flags = parseArgs({
  options: {
    generated: { type: "boolean", default: false },
    rps: { type: "string", default: "0" },
    count: { type: "string", default: "30" },
    runs: { type: "string", default: "1" },
  },
}).values;
const count = Number(flags.count);
const root = new URL("..", import.meta.url).pathname;
const perms = (JSON.parse(Deno.readTextFileSync(`${root}deno.json`)).tasks.compile as string)
  .match(/--(allow|unstable)-\S+/g)!;

function members(i: number): Member[] {
  const bundle = goBundle({ cpu: i % 2 === 0 ? "cpu" : "cpu_after" });
  if (!flags.generated) return bundle;
  const cpu = encodeProfileGzip(generateProfile({
    samples: 6000,
    functions: 5000,
    locations: 20000,
    depth: 30,
    seed: i + 1,
    programSeed: 7,
  }));
  return [{ name: "cpu.pprof", data: cpu }, ...bundle.slice(1)];
}

const d = DatadogDouble.start();
d.profiles.push(...profilesOf(count, { members }));
const work = await Deno.makeTempDir({ prefix: "pprof-mcp-dd-bench-" });
const env = doubleEnv(d, { PPROF_MCP_DD_RPS: flags.rps!, PPROF_MCP_DD_DOWNLOAD_TIMEOUT: "120s" });
const dec = new TextDecoder();
// A function of each kind of profile: the fixtures' allocator, the generator's Type3 methods.
const FUNCTION = flags.generated ? "Type3\\)\\.Method" : "runtime\\.mallocgc$";

/** Runs the CLI under GNU time `--runs` times (a shared machine is noisy); returns the fastest run. */
async function measure(args: string[]) {
  let best: Awaited<ReturnType<typeof once>> | undefined;
  for (let i = 0; i < Number(flags.runs); i++) {
    const r = await once(args);
    if (!best || r.secs < best.secs) best = r;
  }
  return best!;
}

/** Runs the CLI under GNU time; returns seconds, peak MB and stdout. */
async function once(args: string[]) {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e %M", "-o", `${work}/time`, Deno.execPath(), "run", ...perms, `${root}main.ts`, ...args],
    env,
    cwd: work,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`${args.join(" ")}: ${dec.decode(out.stderr)}`);
  const [secs, kb] = Deno.readTextFileSync(`${work}/time`).trim().split(/\s+/).map(Number);
  return { secs, mb: Math.round(kb / 1024), stdout: dec.decode(out.stdout) };
}

try {
  await once(["--version"]); // warm Deno's code cache, as for an installed binary
  const svc = ["--service", "checkout", "--env", "prod"];
  const agg = await measure([
    "datadog",
    "profiles",
    "aggregate",
    ...svc,
    "--window",
    "2h",
    "--limit",
    `${count}`,
    "--out",
    "agg",
    "--json",
  ]);
  const result = JSON.parse(agg.stdout).result;
  if (result.profiles_merged !== count) throw new Error(`merged ${result.profiles_merged} of ${count}`);
  const hist = await measure([
    "datadog",
    "function_history",
    ...svc,
    "--function",
    FUNCTION,
    "--limit",
    `${count}`,
    "--json",
  ]);
  const summary = JSON.parse(hist.stdout).result.summary;
  const histAgg = await measure([
    "datadog",
    "function_history",
    ...svc,
    "--function",
    FUNCTION,
    "--limit",
    `${count}`,
    "--mode",
    "aggregate",
    "--per_entry",
    "5",
    "--json",
  ]);
  // The merged profile's top is the top of the same members merged by `pprof-mcp merge`.
  const files = Array.from({ length: count }, (_, i) => `agg/profile-${i + 1}/checkout_prod_cpu.pprof`);
  await once(["merge", "-o", "merged_by_cli.pb.gz", ...files]);
  const a = await once(["top", result.path]), b = await once(["top", "merged_by_cli.pb.gz"]);
  const same = a.stdout === b.stdout;
  const kind = flags.generated ? "generated 6000-sample CPU profiles" : "fixture bundles";
  console.log(`${count} ${kind}, rate limit ${flags.rps === "0" ? "off" : `${flags.rps}/s`}`);
  console.log(`aggregate (${count} downloads + merge)      ${agg.secs.toFixed(2)} s  ${agg.mb} MB`);
  console.log(
    `function_history (${count} profiles)        ${hist.secs.toFixed(2)} s  ${hist.mb} MB  (found in ` +
      `${summary.found_in_profiles}/${summary.total_profiles})`,
  );
  console.log(`function_history aggregate (6 merges of 5) ${histAgg.secs.toFixed(2)} s  ${histAgg.mb} MB`);
  console.log(`merged top equals pprof-mcp merge's: ${same ? "yes" : "NO"}`);
  if (!same) Deno.exitCode = 1;
} finally {
  await d.stop();
  await Deno.remove(work, { recursive: true });
}
