/**
 * The filter stage of one report (`newReport`, where -focus, -ignore, -hide
 * and -show run) with one regexp option, timed in a fresh process: the cost a
 * CLI run pays, with the regexp engine's code still cold. Prints wall and CPU
 * milliseconds; run it several times, alternating checkouts, and compare
 * medians, e.g.
 *
 *   for i in $(seq 15); do deno run -A bench/regex_cold.ts focus '^runtime\.'; done
 *
 * (no arguments: the same stage without a regexp).
 */
import { cpuUsage } from "node:process";
import { decompress } from "../lib/profile/decompress.ts";
import { decodeProfile } from "../lib/profile/decode.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";

const [field, pattern] = Deno.args;
const profile = decodeProfile(decompress(Deno.readFileSync(new URL("../fixtures/big/bigcpu.pb.gz", import.meta.url))));
const cpu = cpuUsage();
const start = performance.now();
newReport(profile, "top", { ...defaultConfig(), ...(field ? { [field]: pattern } : {}) });
const used = cpuUsage(cpu);
console.log(
  `wall ${(performance.now() - start).toFixed(1)} ms, cpu ${((used.user + used.system) / 1000).toFixed(1)} ms`,
);
