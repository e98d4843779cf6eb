/**
 * In-process cost of the regexp options on the large bigcpu profile (decoded
 * once): `top` with -focus (a literal, a class-heavy pattern, `(?i)`),
 * -ignore, -hide, -show, and `peek REGEX`, beside a plain `top`; and the bare
 * regexps over every function name, file name and location mapping of the
 * profile, as the filters ask them, with and without the native fast path.
 * `deno bench -A bench/regex_bench.ts`.
 */
import { decompress } from "../lib/profile/decompress.ts";
import { decodeProfile } from "../lib/profile/decode.ts";
import { defaultConfig, type ReportConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { renderTop, topReport } from "../lib/report/top.ts";
import { renderTree, treeReport } from "../lib/report/tree.ts";
import { compileRE2 } from "../lib/regex/re2.ts";

const profile = decodeProfile(decompress(Deno.readFileSync(new URL("../fixtures/big/bigcpu.pb.gz", import.meta.url))));
const opts = { n: 5, warmup: 1 };

const patterns = {
  literal: "runtime\\.mallocgc",
  classes: "^github\\.com/acme/platform/[a-z]+/[[:alpha:]]+\\.\\(\\*[A-Z]\\w*\\)\\.[a-z]\\w*$",
  fold: "(?i)MALLOCGC|ScanObject",
};

const top = (cfg: Partial<ReportConfig>) => () =>
  void renderTop(topReport(newReport(profile, "top", { ...defaultConfig(), ...cfg })));

Deno.bench({ name: "top", group: "report", baseline: true, ...opts, fn: top({}) });
Deno.bench({ name: "top --focus=literal", group: "report", ...opts, fn: top({ focus: patterns.literal }) });
Deno.bench({ name: "top --focus=classes", group: "report", ...opts, fn: top({ focus: patterns.classes }) });
Deno.bench({ name: "top --focus=(?i)", group: "report", ...opts, fn: top({ focus: patterns.fold }) });
Deno.bench({ name: "top --ignore", group: "report", ...opts, fn: top({ ignore: "^runtime\\." }) });
Deno.bench({ name: "top --hide", group: "report", ...opts, fn: top({ hide: "^runtime\\." }) });
Deno.bench({ name: "top --show", group: "report", ...opts, fn: top({ show: "github\\.com/acme" }) });
Deno.bench({
  name: "peek REGEX",
  group: "report",
  ...opts,
  fn: () => {
    const text = "rules\\.\\(\\*Engine\\)";
    void renderTree(treeReport(newReport(profile, "peek", defaultConfig()), compileRE2(text, "regex"), text));
  },
});

// The texts the name filters test: each function's name and file, and each location's mapping file.
const texts: string[] = [];
for (let f = 0; f < profile.functionCount; f++) {
  texts.push(profile.strings[profile.functionName[f]], profile.strings[profile.functionFilename[f]]);
}
for (let l = 0; l < profile.locationCount; l++) {
  const m = profile.locationMapping[l];
  if (m >= 0) texts.push(profile.mappings[m].file);
}
for (const [name, pattern] of Object.entries(patterns)) {
  for (const native of [true, false]) {
    Deno.bench({
      name: `compile + test ${texts.length} texts: ${name}${native ? "" : " (re2js only)"}`,
      group: `regexp ${name}`,
      baseline: native,
      fn: () => {
        const re = compileRE2(pattern, "focus", { native });
        for (const s of texts) re.test(s);
      },
    });
  }
}
