/**
 * max_lines / max_bytes / truncate_strategy, as the original tool's results apply them.
 */
import assert from "node:assert/strict";
import { countLines, truncateText, TRUNCATION_MARKER } from "../lib/tools/truncate.ts";

const text = "l1\nl2\nl3\nl4\nl5\n";

Deno.test("truncate: line counts", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a"), 1);
  assert.equal(countLines("a\n"), 1);
  assert.equal(countLines("a\nb"), 2);
});

Deno.test("truncate: untruncated text is unchanged", () => {
  const r = truncateText(text, { max_lines: 5, max_bytes: 100 });
  assert.equal(r.text, text);
  assert.deepEqual(r.meta, { total_lines: 5, total_bytes: 15, truncated: false, strategy: "head" });
});

Deno.test("truncate: head, tail and head_tail by lines", () => {
  assert.equal(truncateText(text, { max_lines: 2 }).text, "l1\nl2");
  assert.equal(truncateText(text, { max_lines: 2, truncate_strategy: "tail" }).text, "l4\nl5");
  assert.equal(
    truncateText(text, { max_lines: 4, truncate_strategy: "head_tail" }).text,
    `l1\nl2\n${TRUNCATION_MARKER}\nl5`,
  );
  assert.equal(truncateText(text, { max_lines: 1, truncate_strategy: "head_tail" }).text, "l1");
  assert.equal(truncateText(text, { max_lines: 2, truncate_strategy: "head_tail" }).text, "l1\nl2");
  const m = truncateText(text, { max_lines: 2, truncate_strategy: "bogus" }).meta;
  assert.deepEqual(m, {
    total_lines: 5,
    total_bytes: 15,
    truncated: true,
    truncated_reason: "max_lines",
    strategy: "head",
  });
});

Deno.test("truncate: bytes after lines, reasons in order", () => {
  const r = truncateText(text, { max_lines: 3, max_bytes: 4 });
  assert.equal(r.text, "l1\nl");
  assert.equal(r.meta.truncated_reason, "max_lines,max_bytes");
  const long = "x".repeat(100);
  const ht = truncateText(long, { max_bytes: 29, truncate_strategy: "head_tail" }).text;
  assert.equal(ht, "xxxxx" + TRUNCATION_MARKER + "xxxxx");
  assert.equal(truncateText(long, { max_bytes: 10, truncate_strategy: "head_tail" }).text, "x".repeat(10));
  assert.equal(truncateText("ééé", { max_bytes: 3 }).text, "é", "never half a character");
});
