/**
 * The demangler against what the demangler `go tool pprof` vendors (Go
 * 1.19.8) prints, on 11k real mangled names taken with nm from libstdc++,
 * LLVM, boost, ICU, the Rust toolchain's libraries and the C++ and Rust
 * programs of the names fixture, in pprof's three option sets. The expected
 * outputs were made by fixtures/goref/demangle (see its gen.sh).
 */
import assert from "node:assert/strict";
import { demangle, type DemangleOptions } from "../lib/profile/demangle/mod.ts";

const CASES = new URL("../fixtures/goref/demangle_cases.jsonl.gz", import.meta.url);
const MODES: [string, DemangleOptions][] = [
  ["default (NoParams, NoTemplateParams)", { noParams: true, noTemplateParams: true }],
  ["templates (NoParams)", { noParams: true }],
  ["full (NoClones)", { noClones: true }],
];

async function cases(): Promise<string[][]> {
  const text = await new Response(
    (await Deno.open(CASES.pathname)).readable.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

for (const [i, [mode, options]] of MODES.entries()) {
  Deno.test(`demangle: the Go demangler's output for every corpus name, ${mode}`, async () => {
    const rows = await cases();
    assert.ok(rows.length > 10_000, `corpus has ${rows.length} names`);
    const failures: string[] = [];
    let demangled = 0;
    for (const row of rows) {
      const want = row[i + 1] === "" ? row[0] : row[i + 1];
      if (want !== row[0]) demangled++;
      const got = demangle(row[0], options);
      if (got !== want && failures.length < 5) failures.push(`${row[0]}\n  want ${want}\n  got  ${got}`);
    }
    // Most corpus names demangle (with parameters, fewer parse), so returning the input could not pass.
    assert.ok(demangled > rows.length * 0.75, `${demangled} of ${rows.length} demangle`);
    assert.deepEqual(failures, []);
  });
}

Deno.test("demangle: names that do not start like a mangled name come back as they are", () => {
  for (const n of ["main", "", "runtime.mallocgc", "com.acme.Foo.<init>", "_", "_X", "Z3foov", "_ZZ"]) {
    assert.equal(demangle(n, { noParams: true }), n);
  }
});

Deno.test("demangle: hand-picked cases of each kind", () => {
  const d = { noParams: true, noTemplateParams: true }, t = { noParams: true }, f = { noClones: true };
  assert.equal(demangle("_ZNSt6vectorIiSaIiEE9push_backERKi", d), "std::vector::push_back");
  assert.equal(demangle("_ZNSt6vectorIiSaIiEE9push_backERKi", t), "std::vector<int, std::allocator<int> >::push_back");
  assert.equal(
    demangle("_ZNSt6vectorIiSaIiEE9push_backERKi", f),
    "std::vector<int, std::allocator<int> >::push_back(int const&)",
  );
  assert.equal(demangle("_ZN12_GLOBAL__N_111smoothCurveEPKdidi.constprop.0", d), "(anonymous namespace)::smoothCurve");
  assert.equal(
    demangle("_ZN12_GLOBAL__N_111smoothCurveEPKdidi.constprop.0", {}),
    "(anonymous namespace)::smoothCurve(double const*, int, double, int) [clone .constprop.0]",
  );
  assert.equal(demangle("_ZZ4mainENKUliE_clEi", d), "main::{lambda(int)#1}::operator()");
  assert.equal(demangle("_ZGVZN4acme8registryEvE1r", d), "guard variable for acme::registry()::r");
  assert.equal(demangle("_GLOBAL__I__Z3barv", d), "global constructors keyed to bar()");
  assert.equal(demangle("_ZN4core3fmt5write17h0123456789abcdefE", d), "core::fmt::write");
  assert.equal(demangle("_RNvMNtCs1234_5alloc3vecINtB2_3VecpE4push", d), "<alloc::vec::Vec<_>>::push");
  assert.equal(demangle("_ZN", d), "_ZN");
});
