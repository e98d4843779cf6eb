/**
 * pprof's name pass: the `-symbolize` modes, the demangled-C++ heuristic,
 * and the pass over a profile, checked against the names `go tool pprof -raw`
 * printed for the hand-picked names profile (fixtures/ref_names/names_cpu).
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { mergeFiles } from "../lib/profile/sources.ts";
import {
  DEFAULT_SYMBOLIZE,
  functionDisplayName,
  looksLikeDemangledCPlusPlus,
  NO_SYMBOLIZE,
  parseSymbolizeMode,
  removeMatching,
  symbolizeProfile,
} from "../lib/profile/symbolize.ts";
import type { Profile } from "../lib/profile/model.ts";

const FIX = new URL("../fixtures/", import.meta.url).pathname;
const NAMES = FIX + "profiles_names/names_cpu.pb.gz";

/** Function names by their names.cc line, as `go tool pprof -raw` printed them. */
function rawNames(view: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of Deno.readTextFileSync(`${FIX}ref_names/names_cpu/${view}/stdout.txt`).split("\n")) {
    const m = /^\s+\d+: 0x0 M=1 (.*) names\.cc:(\d+) s=\d+(?:\(.*\))?$/.exec(l);
    if (m) out.set(Number(m[2]), m[1]);
  }
  return out;
}

function ourNames(p: Profile): Map<number, string> {
  const out = new Map<number, string>();
  for (let l = 0; l < p.locationCount; l++) {
    const line = p.lineStart[l];
    out.set(p.lineNumber[line], p.strings[p.functionName[p.lineFunction[line]]]);
  }
  return out;
}

Deno.test("symbolize: every function of the names profile is named as go tool pprof -raw names it", async () => {
  const want = rawNames("raw");
  assert.ok(want.size > 50);
  assert.deepEqual(ourNames(await loadProfile(NAMES)), want);
});

Deno.test("symbolize: -symbolize=demangle=full names functions as pprof does", async () => {
  const want = rawNames("raw_full");
  assert.deepEqual(
    ourNames(symbolizeProfile(await loadProfile(NAMES, NO_SYMBOLIZE), parseSymbolizeMode("demangle=full"))),
    want,
  );
});

Deno.test("symbolize: none keeps the stored names; demangle=none uses the system names", async () => {
  const stored = ourNames(await loadProfile(NAMES, NO_SYMBOLIZE));
  assert.equal(stored.get(20), "_ZNSt6vectorIiSaIiEE9push_backERKi");
  assert.deepEqual(ourNames(await loadProfile(NAMES, parseSymbolizeMode("no"))), stored);
  const sys = [...ourNames(await loadProfile(NAMES, parseSymbolizeMode("demangle=none"))).values()];
  assert.ok(sys.includes("_ZNSt6vectorIiSaIiEE9push_backERKi"));
  // The profiler's own demangled name gives way to the system name, and so does an empty name.
  assert.ok(sys.includes("_ZN4acme7Service4stopEi") && !sys.includes("acme::Service::stop(int)"));
  assert.ok(sys.includes("_ZN4acme7Service3runEv"));
});

Deno.test("symbolize: parseSymbolizeMode accepts pprof's words and notes unknown ones as pprof does", () => {
  const notes: string[] = [];
  assert.deepEqual(parseSymbolizeMode("", (n) => notes.push(n)), DEFAULT_SYMBOLIZE);
  assert.deepEqual(
    parseSymbolizeMode("local:fastlocal:remote:demangle=default", (n) => notes.push(n)),
    DEFAULT_SYMBOLIZE,
  );
  assert.deepEqual(parseSymbolizeMode("force").force, true);
  assert.deepEqual(parseSymbolizeMode("Demangle=Templates"), {
    skip: false,
    force: true,
    demangle: { noParams: true },
  });
  assert.deepEqual(parseSymbolizeMode("full"), { skip: false, force: true, demangle: { noClones: true } });
  assert.equal(parseSymbolizeMode("none:bogus").skip, true);
  assert.equal(notes.length, 0);
  assert.equal(parseSymbolizeMode("odd:none", (n) => notes.push(n)).skip, true);
  assert.deepEqual(notes, [
    "ignoring unrecognized symbolization option: odd:none",
    "expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]",
  ]);
});

Deno.test("symbolize: the demangled-C++ heuristic on hand-picked names (as go tool pprof -top printed them)", () => {
  const d = { noParams: true, noTemplateParams: true };
  const cases: [string, string][] = [
    ["foo(int)::{lambda(int)#1}::operator()(int) const", "foo::{lambda#1}::operator const"],
    ["ns::f(a))", "ns::f)"],
    ["ns::g<(unclosed", "ns::g<(unclosed"],
    ["a>b::c(d)", "a>b::c"],
    ["operator<(x, y)", "operator<"],
    ["std::map<int>::operator>>(std::istream&)", "std::map::operator>>"],
    ["[GC (young)]", "[GC ]"],
    ["java.util.List<String>.get", "java.util.List.get"],
    ["com.acme.Foo.<init>", "com.acme.Foo.<init>"],
    ["pkg.Map[...]", "pkg.Map[...]"],
    ["main.(*server).handle", "main.(*server).handle"],
    ["<instance_members_initializer>", ""],
    ["RegExp: ^(\\S+) (INFO|WARN)$", "RegExp: ^(\\S+) (INFO|WARN)$"],
  ];
  for (const [name, want] of cases) assert.equal(functionDisplayName(name, d), want, name);
  assert.equal(looksLikeDemangledCPlusPlus("pkg.(*Cache[...]).Get"), false);
  assert.equal(looksLikeDemangledCPlusPlus("Foo::Bar"), true);
  assert.equal(removeMatching("a(b(c)d)e(f)", "(", ")"), "ae");
  assert.equal(removeMatching("a)b(c)", "(", ")"), "a)b(c)");
});

Deno.test("symbolize: merge writes pprof's names, or the stored ones with --symbolize=none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [flag, want] of [[[], "std::vector::push_back"], [
        ["--symbolize=none"],
        "_ZNSt6vectorIiSaIiEE9push_backERKi",
      ]]
    ) {
      const out = `${dir}/m.pb.gz`;
      assert.equal(await runCli(["merge", "-o", out, NAMES, NAMES, ...(flag as string[])], memoryIO()), 0);
      const merged = await loadProfile(out, NO_SYMBOLIZE);
      assert.equal(ourNames(merged).get(20), want);
    }
    const twice = await mergeFiles([NAMES, NAMES]);
    assert.equal(ourNames(twice).get(21), "acme::Cache::get");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
