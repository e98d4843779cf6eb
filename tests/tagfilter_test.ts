/**
 * Numeric tag ranges, parsed and matched as pprof does.
 */
import assert from "node:assert/strict";
import { parseTagRange } from "../lib/report/tagfilter.ts";

Deno.test("tag ranges: equal, at least, at most, between", () => {
  const eq = parseTagRange("32kb")!;
  assert.ok(eq(32 * 1024, "bytes"));
  assert.ok(!eq(32 * 1024 + 1, "bytes"));
  const ge = parseTagRange("32kb:")!;
  assert.ok(ge(65536, "bytes") && ge(32768, "bytes") && !ge(32767, "bytes"));
  const le = parseTagRange(":1kb")!;
  assert.ok(le(1024, "bytes") && le(0, "bytes") && !le(1025, "bytes"));
  const between = parseTagRange("1kb:10kb")!;
  assert.ok(between(1024, "bytes") && between(10240, "bytes") && !between(10241, "bytes") && !between(1000, "bytes"));
  const mixed = parseTagRange("1kb:2mb")!;
  assert.ok(mixed(2 * 1024 * 1024, "bytes") && !mixed(2 * 1024 * 1024 + 1, "bytes"));
});

Deno.test("tag ranges: units must agree, counts have none", () => {
  const ms = parseTagRange("10ms:")!;
  assert.ok(ms(20_000_000, "nanoseconds"));
  assert.ok(!ms(20_000_000, "bytes"), "a byte value is not a duration");
  const count = parseTagRange("5")!;
  assert.ok(count(5, "count"));
  assert.ok(!count(5, "bytes"), "a unitless range does not match bytes");
  assert.ok(parseTagRange("-3:")!(-1, "count"));
});

Deno.test("tag ranges: anything else is a regexp", () => {
  for (const s of ["acme", "POST /orders", "32kb:x", "a1", "1kb:2kb:3kb", "1kb-2kb", "1kb:2s"]) {
    assert.equal(parseTagRange(s), undefined, s);
  }
});
