/**
 * The drawings of the large bigcpu profile (149k samples, 6.6M frames) and of
 * the small CPU fixture: flame graph SVG, HTML and text, and the DOT call
 * graph, from a decoded profile (`deno task bench`). The sizes of the files
 * are printed once before the runs.
 */
import { parseProfile } from "../lib/profile/load.ts";
import type { Profile } from "../lib/profile/model.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { dotReport, renderDot } from "../lib/report/dot.ts";
import { newReport } from "../lib/report/report.ts";
import { type FlameFormat, renderFlame } from "../lib/viz/flamegraph.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const inputs: [string, Profile][] = [
  ["cpu", parseProfile(Deno.readFileSync(fixtures + "profiles/cpu.pb.gz"))],
  ["bigcpu", parseProfile(Deno.readFileSync(fixtures + "big/bigcpu.pb.gz"))],
];

const flame = (p: Profile, format: FlameFormat) => renderFlame(newReport(p, "top", defaultConfig()), { format }).text;
const dot = (p: Profile) => renderDot(dotReport(newReport(p, "dot", defaultConfig())));

for (const [name, p] of inputs) {
  const sizes = (["svg", "html", "text"] as const).map((f) => `${f} ${(flame(p, f).length / 1024).toFixed(0)} KB`);
  console.log(`${name}: flame graph ${sizes.join(", ")}; dot ${(dot(p).length / 1024).toFixed(0)} KB`);
  const opts = name === "bigcpu" ? { n: 5, warmup: 1 } : {};
  for (const f of ["svg", "html", "text"] as const) {
    Deno.bench({ name: `flame ${f} ${name}`, group: `flame ${name}`, ...opts, fn: () => void flame(p, f) });
  }
  Deno.bench({ name: `dot ${name}`, group: `flame ${name}`, ...opts, fn: () => void dot(p) });
}
