/**
 * The regression gate (head profiles against base profiles): relative checks
 * on the shared before/after CPU pair and on the heap pair, the noise band on
 * five real runs per variant of fixtures/gen/cmd/benchgate, exit codes, the
 * JUnit XML's structure, the Markdown summary (golden), and the MCP tool.
 * Expected numbers come from go tool pprof's outputs (fixtures/ref*,
 * fixtures/ref_gate) and hand computation on them, never from our output.
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { runCli } from "../cli.ts";
import { mean, sampleVariance, studentTQuantile, welchBand } from "../lib/analysis/stats.ts";
import { parseCheck, spreadPathLists } from "../lib/cli/commands/regression_check.ts";
import { EXIT, memoryIO } from "../lib/cli/io.ts";
import { UserError } from "../lib/errors.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES, refText, topRows } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const P = FIXTURES + "profiles/";
const G = FIXTURES + "profiles_gate/";
const runs = (variant: string) => [1, 2, 3, 4, 5].map((i) => `${G}${variant}_${i}.pb.gz`);

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

async function gate(...args: string[]): Promise<{ code: number; data: Json }> {
  const r = await cli("regression-check", ...args, "--json");
  assert.ok(r.code === EXIT.OK || r.code === EXIT.CHECK_FAILED, `exit ${r.code}: ${r.err}`);
  return { code: r.code, data: JSON.parse(r.out) };
}

/** pprof's printed value in seconds or bytes ("3.35s", "710ms", "48952.93kB", "0"). */
function value(text: string): number {
  if (text === "0") return 0;
  const m = /^(-?[0-9.]+)(ns|us|ms|s|B|kB|MB|GB)?$/.exec(text);
  assert.ok(m, text);
  const f: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    ms: 1e-3,
    s: 1,
    B: 1,
    kB: 1024,
    MB: 1024 ** 2,
    GB: 1024 ** 3,
  };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
}

/** A function's row of a go tool pprof -top reference (exact name, " (inline)" dropped). */
function refRow(path: string, name: string) {
  const row = topRows(refText(path)).find((r) => r.name.replace(/ \(inline\)$/, "") === name);
  return row ? { flat: value(row.flat), cum: value(row.cum) } : { flat: 0, cum: 0 };
}

/** The total of a reference ("… of 25.02s total"), and the value its shown nodes account for. */
function refTotals(path: string): { total: number; shown: number } {
  const m = /^Showing nodes accounting for (\S+), \S+ of (\S+) total$/m.exec(refText(path));
  assert.ok(m, path);
  return { shown: value(m[1]), total: value(m[2]) };
}

const near = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not ${expected} ± ${tol}`);

Deno.test("stats: Student t quantiles as in the tables, Welch's band by hand", () => {
  // Two-sided 95% critical values (t_0.975) and one one-sided 95% value, from any table of Student's t.
  const table: [number, number, number][] = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 3, 3.182],
    [0.975, 4, 2.776],
    [0.975, 5, 2.571],
    [0.975, 10, 2.228],
    [0.975, 30, 2.042],
    [0.95, 4, 2.132],
    [0.995, 8, 3.355],
  ];
  for (const [p, df, t] of table) near(studentTQuantile(p, df), t, 5e-4, `t(${p}, ${df})`);
  // a = 1 2 3 (variance 1), b = 4 6 8 (variance 4): se = sqrt(1/3 + 4/3), Welch df = (5/3)² / ((1/3)²/2 + (4/3)²/2).
  const w = welchBand([1, 2, 3], [4, 6, 8], 0.95);
  near(w.se, Math.sqrt(5 / 3), 1e-12, "se");
  near(w.df, 50 / 17, 1e-12, "df");
  assert.ok(w.t > 3.182 && w.t < 4.303, `t between df 3 and df 2: ${w.t}`);
  near(w.band, w.t * w.se, 1e-12, "band");
  assert.deepEqual(welchBand([2, 2], [3, 3], 0.95), { band: 0, se: 0, df: Infinity, t: 0 });
  assert.equal(sampleVariance([5]), 0);
});

Deno.test("regression-check: --check forms, and --base/--head take every file up to the next flag", () => {
  assert.deepEqual(parseCheck("json\\.Marshal:cum_pct_delta<=2"), {
    function: "json\\.Marshal",
    metric: "cum_pct_delta",
    max: 2,
  });
  assert.deepEqual(parseCheck("a:b:flat_ratio <= 1.10:norm=duration:allow_missing"), {
    function: "a:b",
    metric: "flat_ratio",
    max: 1.1,
    norm: "duration",
    allow_missing: true,
  });
  assert.deepEqual(parseCheck("x:cum_delta<=50ms"), { function: "x", metric: "cum_delta", max: 50, unit: "ms" });
  assert.deepEqual(parseCheck("total_ratio<=1.05"), { metric: "total_ratio", max: 1.05 });
  assert.deepEqual(parseCheck("total_delta<=10MB:norm=duration"), {
    metric: "total_delta",
    max: 10,
    unit: "MB",
    norm: "duration",
  });
  assert.deepEqual(parseCheck("x:cum_pct_delta<=2pp"), { function: "x", metric: "cum_pct_delta", max: 2 });
  for (
    const [bad, why] of [
      ["x:total_ratio<=1", "total_ratio takes no REGEX"],
      ["cum_ratio<=1", "REGEX is missing"],
      ["x:cum_ratio<=1.1:norm=weekly", 'unknown option "norm=weekly"'],
      ["x:cum_delta<=5parsecs", 'unknown unit "parsecs"'],
      ["x:cum_ratio<=1.1MB", 'MAX "1.1MB" is not a number'],
    ]
  ) {
    assert.throws(() => parseCheck(bad), (e: Error) => e instanceof UserError && e.message.includes(why), bad);
  }
  // A normalisation the metric does not take.
  assert.throws(() => parseCheck("x:cum_pct_delta<=2:norm=none"), /norm=none is not allowed; cum_pct_delta takes/);
  assert.deepEqual(
    spreadPathLists(["--base", "a", "b", "--head=c", "d", "--check", "x:cum_ratio<=1", "--json"]),
    ["--base=a", "--base=b", "--head=c", "--head=d", "--check", "x:cum_ratio<=1", "--json"],
  );
  assert.deepEqual(spreadPathLists(["f.pb.gz", "--check", "y"]), ["f.pb.gz", "--check", "y"]);
  // --base with nothing after it stays bare, so the flag parser says it needs a value.
  assert.deepEqual(spreadPathLists(["--head", "h", "--base"]), ["--head=h", "--base"]);
});

Deno.test("regression-check: the before/after CPU pair swapped fails on normalizeValue and passes elsewhere", async () => {
  // go tool pprof -top -cum: normalizeValue 3.35s of 25.02s in cpu (before the fix), 0.71s of 21.82s in cpu_after.
  const before = refRow("ref/cpu/top_cum/stdout.txt", "gen/internal/transform.normalizeValue");
  const after = refRow("ref/cpu_after/top_cum/stdout.txt", "gen/internal/transform.normalizeValue");
  assert.deepEqual([before.cum, after.cum], [3.35, 0.71]);
  const { total: tBefore } = refTotals("ref/cpu/top_cum/stdout.txt"),
    { total: tAfter } = refTotals(
      "ref/cpu_after/top_cum/stdout.txt",
    );
  assert.deepEqual([tBefore, tAfter], [25.02, 21.82]);
  const jsonBefore = refRow("ref/cpu/top_cum/stdout.txt", "encoding/json.Marshal").cum; // 4.05s
  const jsonAfter = refRow("ref/cpu_after/top_cum/stdout.txt", "encoding/json.Marshal").cum; // 3.92s
  // The regression planted by swapping: base = cpu_after, head = cpu.
  const swapped = ["--base", P + "cpu_after.pb.gz", "--head", P + "cpu.pb.gz"];
  const { code, data } = await gate(
    ...swapped,
    "--check",
    "transform\\.normalizeValue$:cum_pct_delta<=2",
    "--check",
    "transform\\.normalizeValue$:cum_ratio<=1.10",
    "--check",
    "transform\\.normalizeValue$:cum_delta<=1s",
    "--check",
    "encoding/json\\.Marshal$:cum_pct_delta<=2",
    "--check",
    "encoding/json\\.Marshal$:cum_ratio<=1.10:norm=none",
    "--check",
    "total_ratio<=1.05",
    "--check",
    "total_ratio<=1.2",
  );
  assert.equal(code, EXIT.CHECK_FAILED);
  const c = data.result.checks;
  const pctB = (after.cum / tAfter) * 100, pctH = (before.cum / tBefore) * 100; // 3.254% and 13.389%
  // Shares from printed seconds: within 0.005 s of 21.82 s, i.e. about 0.03 points.
  near(c[0].base, pctB, 0.03, "base %");
  near(c[0].head, pctH, 0.03, "head %");
  near(c[0].actual, pctH - pctB, 0.05, "cum_pct_delta"); // +10.14 points
  assert.equal(c[0].status, "fail");
  near(c[1].actual, pctH / pctB, 0.05, "cum_ratio"); // 4.11
  assert.equal(c[1].status, "fail");
  near(c[2].actual, 2.64e9, 1e7, "cum_delta in ns"); // 3.35s - 0.71s
  assert.equal(c[2].threshold, 1e9, "1s in nanoseconds");
  assert.equal(c[2].actual_text, "+2.64s");
  near(c[3].actual, (jsonBefore / tBefore - jsonAfter / tAfter) * 100, 0.05, "json points"); // -1.78
  assert.equal(c[3].status, "pass");
  near(c[4].actual, jsonBefore / jsonAfter, 0.01, "json ratio"); // 1.033
  assert.equal(c[4].status, "pass");
  near(c[5].actual, tBefore / tAfter, 0.001, "total ratio"); // 1.147
  assert.deepEqual(c.slice(5).map((x: Json) => x.status), ["fail", "pass"]);
  // One profile a side: no band, the thresholds alone decide.
  assert.equal(data.result.noise.method, "none");
  assert.ok(c.every((x: Json) => x.noise_band === undefined));
  // The right way round, the fix passes.
  const fixed = await gate(
    "--base",
    P + "cpu.pb.gz",
    "--head",
    P + "cpu_after.pb.gz",
    "--check",
    "transform\\.normalizeValue$:cum_pct_delta<=2",
  );
  assert.equal(fixed.code, EXIT.OK);
  near(fixed.data.result.checks[0].actual, pctB - pctH, 0.05, "fix");
  // A profile against itself: nothing moved.
  const same = await gate("--base", P + "cpu.pb.gz", "--head", P + "cpu.pb.gz", "--check", "total_ratio<=1");
  assert.deepEqual([same.code, same.data.result.checks[0].actual, same.data.result.movers], [EXIT.OK, 1, []]);
  // norm=duration: cum per second of each profile's duration (Duration: 13.43s and 11.90s).
  const perSecond = await gate(...swapped, "--check", "transform\\.normalizeValue$:cum_ratio<=1.10:norm=duration");
  near(perSecond.data.result.checks[0].actual, (3.35 / 13.43) / (0.71 / 11.9), 0.02, "per second");
});

/** The per-run values of the gate fixtures, from go tool pprof -top -nodefraction=0 (fixtures/ref_gate). */
function gateRuns(variant: string) {
  return [1, 2, 3, 4, 5].map((i) => {
    const top = `ref_gate/${variant}_${i}/top_nf0/stdout.txt`;
    const focus = `ref_gate/${variant}_${i}/top_focus_sha256/stdout.txt`;
    return {
      total: refTotals(top).total,
      score: refRow(top, "main.scoreTerms"),
      log1p: refRow(top, "math.log1p"),
      block: refRow(top, "crypto/sha256.block"),
      // With -focus, the nodes shown account for every sample with a crypto/sha256 function on the stack.
      sha256: refTotals(focus).shown,
    };
  });
}

Deno.test("regression-check: five runs a side; a small change stays in the noise band, a large one fails", async () => {
  const base = gateRuns("base"), small = gateRuns("small"), large = gateRuns("large");
  const shares = (rs: typeof base) => rs.map((r) => (r.score.cum / r.total) * 100);
  const merged = (rs: typeof base) =>
    (rs.reduce((a, r) => a + r.score.cum, 0) / rs.reduce((a, r) => a + r.total, 0)) * 100;
  /** The band by hand: Welch's standard error and degrees of freedom, and the t quantile (checked above). */
  const band = (a: number[], b: number[]) => {
    const va = sampleVariance(a) / a.length, vb = sampleVariance(b) / b.length;
    const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
    return studentTQuantile(0.975, df) * Math.sqrt(va + vb);
  };
  const check = ["--check", "main\\.scoreTerms$:cum_pct_delta<=2"];
  const s = await gate("--base", ...runs("base"), "--head", ...runs("small"), ...check);
  const l = await gate("--base", ...runs("base"), "--head", ...runs("large"), ...check);
  // Shares from printed seconds (10 ms resolution on about 2 s): within 0.01 points per run.
  const sd = merged(small) - merged(base), ld = merged(large) - merged(base);
  const sb = band(shares(base), shares(small)), lb = band(shares(base), shares(large));
  near(s.data.result.checks[0].actual, sd, 0.02, "small change");
  near(s.data.result.checks[0].noise_band, sb, 0.05, "small band");
  near(l.data.result.checks[0].actual, ld, 0.02, "large change");
  near(l.data.result.checks[0].noise_band, lb, 0.05, "large band");
  // small: +2.16 points, over the 2-point threshold but inside its ±4.58 band; large: +13.54, outside ±5.23.
  assert.ok(sd > 2 && sd < sb, `small ${sd} ± ${sb}`);
  assert.ok(ld > 2 && ld > lb, `large ${ld} ± ${lb}`);
  assert.equal(s.code, EXIT.OK);
  assert.deepEqual([s.data.result.checks[0].status, s.data.result.checks[0].passed], ["within_noise", true]);
  assert.equal(l.code, EXIT.CHECK_FAILED);
  assert.deepEqual([l.data.result.checks[0].status, l.data.result.checks[0].beyond_noise], ["fail", true]);
  assert.equal(l.data.result.noise.method, "welch_t");
  const text = await cli("regression-check", "--base", ...runs("base"), "--head", ...runs("small"), ...check);
  assert.match(text.out, /^NOISE +main\\\.scoreTerms\$ cum_pct_delta +33\.94% +36\.10% +\+2\.16pp +±4\.58pp +<= 2pp$/m);
  assert.match(text.out, /^note: .*exceeds threshold \(2pp\) but not the noise band \(±4\.58pp\): treated as noise$/m);
  assert.match(text.out, /^all 1 checks passed$/m);

  // The matching functions taken together: cum of crypto/sha256 is every sample with one of them on the stack.
  const r = await gate(
    "--base",
    ...runs("base"),
    "--head",
    ...runs("large"),
    "--check",
    "crypto/sha256:cum_delta<=100ms",
    "--check",
    "crypto/sha256\\.block$:flat_ratio<=1.10:norm=none",
    "--movers",
    "3",
  );
  const c = r.data.result.checks;
  near(c[0].base, mean(base.map((x) => x.sha256)) * 1e9, 1e3, "sha256 group, base");
  near(c[0].head, mean(large.map((x) => x.sha256)) * 1e9, 1e3, "sha256 group, head");
  assert.equal(c[0].status, "pass");
  // The unchanged function does not regress in absolute terms: 0.752s -> 0.718s per run.
  near(c[1].actual, mean(large.map((x) => x.block.flat)) / mean(base.map((x) => x.block.flat)), 1e-9, "block");
  assert.equal(c[1].status, "pass");
  // The largest mover by flat share is math.log1p, scoreTerms' callee.
  const m = r.data.result.movers;
  assert.equal(m.length, 3);
  assert.equal(m[0].function, "math.log1p");
  near(m[0].base_value, mean(base.map((x) => x.log1p.flat)) * 1e9, 1e3, "log1p before");
  near(m[0].head_value, mean(large.map((x) => x.log1p.flat)) * 1e9, 1e3, "log1p after");
  assert.equal(m[0].beyond_noise, true);
});

Deno.test("regression-check: heap profiles gate on bytes (heap_early vs heap, inuse_space)", async () => {
  // go tool pprof -top -sample_index=inuse_space: leakyCache.Add 24734.83kB -> 48952.93kB,
  // newSessionState 4656.94kB -> 4725.77kB.
  const b = "ref/heap_early/top_si_inuse_space/stdout.txt", h = "ref/heap/top_si_inuse_space/stdout.txt";
  const leak = refRow(h, "main.(*leakyCache).Add").flat - refRow(b, "main.(*leakyCache).Add").flat;
  const sess = refRow(h, "main.newSessionState").flat - refRow(b, "main.newSessionState").flat;
  const { code, data } = await gate(
    "--base",
    P + "heap_early.pb.gz",
    "--head",
    P + "heap.pb.gz",
    "--sample_index=inuse_space",
    "--check",
    "main\\.\\(\\*leakyCache\\)\\.Add$:cum_delta<=10MB",
    "--check",
    "main\\.newSessionState$:flat_delta<=1MB",
    "--check",
    "main\\.newSessionState$:flat_delta<=65536",
  );
  assert.equal(code, EXIT.CHECK_FAILED);
  const c = data.result.checks;
  assert.equal(data.result.unit, "bytes");
  near(c[0].actual, leak, 10, "leak bytes"); // 24218.10 kB = 23.65 MB
  assert.equal(c[0].threshold, 10 * 1024 * 1024);
  assert.equal(c[0].status, "fail");
  near(c[1].actual, sess, 10, "sessions"); // 68.83 kB
  assert.equal(c[1].status, "pass");
  assert.equal(c[2].status, "fail", "68.83 kB is over 64 kB");
  // Heap profiles record no duration: norm=duration is bad input.
  const bad = await cli(
    "regression-check",
    "--base",
    P + "heap_early.pb.gz",
    "--head",
    P + "heap.pb.gz",
    "--check",
    "main\\.readChunk:flat_ratio<=1.1:norm=duration",
  );
  assert.equal(bad.code, EXIT.ERROR);
  assert.match(bad.err, /heap_early\.pb\.gz records no duration; norm=duration needs profiles that do/);
});

Deno.test("regression-check: bad input exits 2 with one line", async () => {
  const cpu = P + "cpu.pb.gz", after = P + "cpu_after.pb.gz";
  for (
    const [args, err] of [
      [["--base", cpu, "--check", "x:cum_ratio<=1"], "regression-check: --head is missing: give both"],
      [[cpu, "--check", "x:cum_ratio<=1"], "cum_ratio compares with a baseline: give the baseline and candidate"],
      [[cpu, "--base", cpu, "--head", after, "--check", "x:cum_ratio<=1"], "with --base and --head every profile"],
      [["--base", cpu, "--head", P + "heap.pb.gz", "--check", "x:cum_ratio<=1"], "reports cpu (nanoseconds) but"],
      [["--base", cpu, "--head", after, "--check", "x:cum_delta<=10MB"], "the unit MB does not fit the profiles"],
      [["--base", cpu, "--head", "/no/such.pb.gz", "--check", "x:cum_ratio<=1"], "/no/such.pb.gz: no such file"],
      [["--base", cpu, "--head", after, "--sample_index=nope", "--check", "x:cum_ratio<=1"], 'sample_index "nope"'],
      [["--base", cpu, "--head", after, "--confidence=1.5", "--check", "x:cum_ratio<=1"], "confidence must be"],
    ] as [string[], string][]
  ) {
    const r = await cli("regression-check", ...args);
    assert.equal(r.code, EXIT.ERROR, `${args.join(" ")}: ${r.err}`);
    assert.ok(r.err.includes(err), `${args.join(" ")}: ${r.err}`);
    assert.equal(r.err.split("\n").length, 2, "one line");
    assert.equal(r.out, "");
  }
  // A typo fails a relative check too, unless allowed.
  const typo = await gate("--base", cpu, "--head", after, "--check", "NoSuchFunction:cum_ratio<=1.1");
  assert.equal(typo.code, EXIT.CHECK_FAILED);
  assert.equal(typo.data.result.checks[0].message, "NoSuchFunction matched no function");
  const allowed = await gate(
    "--base",
    cpu,
    "--head",
    after,
    "--check",
    "NoSuchFunction:cum_ratio<=1.1",
    "--allow-missing",
  );
  assert.equal(allowed.code, EXIT.OK);
  assert.equal(allowed.data.result.checks[0].status, "missing");
});

/** The child elements of `e` by tag name. */
// deno-lint-ignore no-explicit-any
const kids = (e: any, tag: string): any[] =>
  Array.from(e.childNodes as ArrayLike<Json>).filter((n) => n.nodeType === 1 && n.tagName === tag);

Deno.test("regression-check: JUnit XML has the usual structure, and the Markdown summary is as committed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "regression-check",
      "--base",
      ...runs("base"),
      "--head",
      ...runs("large"),
      "--check",
      "main\\.scoreTerms$:cum_pct_delta<=2",
      "--check",
      "total_ratio<=1.05",
      "--check",
      "crypto/sha256\\.block$:flat_ratio<=1.10:norm=none",
      "--check",
      "runtime\\.asyncPreempt$:flat_ratio<=1.5:norm=none",
      "--check",
      "NoSuchFunction:cum_ratio<=1:allow_missing",
      "--movers",
      "6",
      "--junit",
      `${dir}/gate.xml`,
      "--markdown",
      `${dir}/gate.md`,
    ];
    const r = await cli(...args);
    assert.equal(r.code, EXIT.CHECK_FAILED, r.err);
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level: string, msg: string) => void errors.push(`${level}: ${msg}`) })
      .parseFromString(await Deno.readTextFile(`${dir}/gate.xml`), "text/xml");
    assert.deepEqual(errors, []);
    const root = doc.documentElement!;
    assert.equal(root.tagName, "testsuites");
    const suites = kids(root, "testsuite");
    assert.equal(suites.length, 1);
    const suite = suites[0];
    const cases = kids(suite, "testcase");
    const failures = cases.filter((c) => kids(c, "failure").length === 1);
    const skipped = cases.filter((c) => kids(c, "skipped").length === 1);
    // 5 checks: scoreTerms and the total fail, sha256.block passes, asyncPreempt is within the noise,
    // NoSuchFunction is allowed to be missing.
    for (const e of [root, suite]) {
      assert.equal(e.getAttribute("tests"), "5");
      assert.equal(e.getAttribute("failures"), "2");
      assert.equal(e.getAttribute("errors"), "0");
      assert.equal(e.getAttribute("skipped"), "1");
      assert.match(e.getAttribute("time") ?? "", /^\d+\.\d{3}$/);
      assert.equal(e.getAttribute("name"), "pprof-mcp regression-check");
    }
    assert.equal(cases.length, 5);
    assert.equal(failures.length, 2);
    assert.equal(skipped.length, 1);
    for (const c of cases) {
      assert.equal(c.getAttribute("classname"), "pprof-mcp.regression-check.cpu");
      assert.match(c.getAttribute("time") ?? "", /^\d+\.\d{3}$/);
      assert.ok((c.getAttribute("name") ?? "") !== "");
    }
    assert.deepEqual(failures.map((c) => c.getAttribute("name")), [
      "main\\.scoreTerms$ cum_pct_delta <= 2pp",
      "total_ratio norm=none <= 1.05",
    ]);
    for (const c of failures) {
      const f = kids(c, "failure")[0];
      assert.equal(f.getAttribute("type"), "regression");
      assert.match(f.getAttribute("message") ?? "", /exceeds threshold .* and the noise band/);
      assert.match(f.textContent ?? "", /^base .*, head .*, change .*, noise band ±.*, threshold .*$/);
    }
    const noise = cases.find((c) => (c.getAttribute("name") ?? "").startsWith("runtime\\.asyncPreempt"));
    assert.match(kids(noise, "system-out")[0].textContent, /but not the noise band/);
    const props = kids(kids(suite, "properties")[0], "property");
    assert.deepEqual(props.map((p) => p.getAttribute("name")), ["base", "head", "sample_type", "noise"]);
    assert.equal(props[2].getAttribute("value"), "cpu");

    // Paths relative to the checkout, so that the golden file does not depend on where it is.
    const md = (await Deno.readTextFile(`${dir}/gate.md`)).replaceAll(FIXTURES, "fixtures/");
    const golden = FIXTURES + "gate_expected/summary_large.md";
    if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(golden, md);
    assert.equal(md, await Deno.readTextFile(golden));
    // Failing checks come before the others, and the movers last.
    const order = ["#### Failing checks", "#### Other checks", "#### Largest movers"].map((h) => md.indexOf(h));
    assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], `${order}`);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["gate.md", "gate.xml"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function callTool(args: Record<string, unknown>) {
  const handles = new HandleRegistry();
  const result = await createRegistry().call("pprof.regression_check", args, "default", {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    sandbox: new Sandbox(undefined, handles),
    handles,
  });
  return { result, out: result.structuredContent as Json };
}

Deno.test("pprof.regression_check: baseline and candidate lists, or one profile; not both", async () => {
  const checks = [{ function: "main\\.scoreTerms$", metric: "cum_pct_delta", max: 2 }];
  const { result, out } = await callTool({ baseline: runs("base"), candidate: runs("large"), checks });
  assert.equal(result.isError, false);
  assert.equal(out.result.passed, false);
  assert.equal(out.result.checks[0].status, "fail");
  assert.deepEqual(out.result.base.profiles, runs("base"));
  assert.match(result.content[0].text, /^1 of 1 checks failed/);
  assert.match(result.content[0].text, /FAIL +main\\\.scoreTerms\$ cum_pct_delta/);
  // A plain string is one profile.
  const one = await callTool({
    baseline: P + "cpu_after.pb.gz",
    candidate: P + "cpu.pb.gz",
    checks: [
      { function: "normalizeValue", metric: "cum_ratio", max: 1.1, norm: "none" },
    ],
  });
  // go tool pprof -top -cum: 3.35s / 0.71s.
  near(one.out.result.checks[0].actual, 3.35 / 0.71, 1e-9, "ratio of values");
  for (
    const [args, field] of [
      [{ profile: P + "cpu.pb.gz", baseline: [P + "cpu.pb.gz"], candidate: [P + "cpu.pb.gz"], checks }, "profile"],
      [{ baseline: [P + "cpu.pb.gz"], checks }, "candidate"],
      [{ profile: P + "cpu.pb.gz", checks }, undefined],
      [{ checks }, "profile"],
    ] as [Record<string, unknown>, string | undefined][]
  ) {
    const r = await callTool(args);
    assert.equal(r.result.isError, true, JSON.stringify(args));
    assert.equal(r.out.error.code, "INVALID_ARGUMENT");
    if (field) assert.equal(r.out.error.details?.field, field);
  }
});

Deno.test("pprof.regression_check over MCP: baseline and candidate inside the base dir", async () => {
  const client = await startServer({ env: { PPROF_MCP_BASEDIR: G } });
  try {
    const r = await client.callTool({
      name: "pprof.regression_check",
      arguments: {
        baseline: ["base_1.pb.gz", "base_2.pb.gz", "base_3.pb.gz"],
        candidate: ["small_1.pb.gz", "small_2.pb.gz", "small_3.pb.gz"],
        checks: [{ metric: "total_ratio", max: 1.5 }],
      },
    });
    assert.equal(r.isError, false, JSON.stringify(r.content));
    const out = r.structuredContent as Json;
    assert.equal(out.result.passed, true);
    assert.deepEqual(out.result.noise.runs, { base: 3, head: 3 });
    // go tool pprof: totals 2.02s, 2.05s, 2.02s (base) and 2.08s, 2.09s, 2.10s (small).
    near(out.result.checks[0].actual, (2.08 + 2.09 + 2.10) / (2.02 + 2.05 + 2.02), 0.005, "total ratio");
    const outside = await client.callTool({
      name: "pprof.regression_check",
      arguments: {
        baseline: ["/etc/passwd"],
        candidate: ["small_1.pb.gz"],
        checks: [{ metric: "total_ratio", max: 1 }],
      },
    });
    assert.equal(outside.isError, true);
  } finally {
    await client.close();
  }
});
