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

Deno.test("truncate: byte cuts keep whole UTF-8 characters at both ends, within max_bytes", () => {
  const greek = "αβγδε"; // two bytes each: α is bytes 0-1, β 2-3, γ 4-5, δ 6-7, ε 8-9
  assert.equal(truncateText(greek, { max_bytes: 5 }).text, "αβ"); // byte 5 is inside γ
  assert.equal(truncateText(greek, { max_bytes: 5, truncate_strategy: "tail" }).text, "δε"); // the cut at 10-5 is inside γ
  assert.equal(truncateText(greek, { max_bytes: 4, truncate_strategy: "tail" }).text, "δε");
  assert.equal(truncateText(greek, { max_bytes: 1, truncate_strategy: "tail" }).text, "");
  const faces = "😀😁😂"; // four bytes each
  assert.equal(truncateText(faces, { max_bytes: 6, truncate_strategy: "tail" }).text, "😂");
  assert.equal(truncateText(faces, { max_bytes: 7 }).text, "😀");
  assert.equal(truncateText(faces, { max_bytes: 11, truncate_strategy: "tail" }).text, "😁😂");
  // head_tail: 30 bytes = 5 for the head, the 19-byte marker, 6 for the tail; é is 2 bytes.
  const e = "é".repeat(30);
  const ht = truncateText(e, { max_bytes: 30, truncate_strategy: "head_tail" });
  assert.equal(ht.text, "éé" + TRUNCATION_MARKER + "ééé");
  assert.equal(TRUNCATION_MARKER.length, 19);
  // 32 bytes = 6 for the head, the marker, 7 for the tail, whose first byte is inside an é.
  assert.equal(
    truncateText(e, { max_bytes: 32, truncate_strategy: "head_tail" }).text,
    "ééé" + TRUNCATION_MARKER + "ééé",
  );
  assert.equal(
    truncateText("x" + e, { max_bytes: 30, truncate_strategy: "head_tail" }).text,
    "xéé" + TRUNCATION_MARKER + "ééé",
  );
  assert.equal(
    truncateText(e + "x", { max_bytes: 30, truncate_strategy: "head_tail" }).text,
    "éé" + TRUNCATION_MARKER + "ééx",
  );
  assert.deepEqual(ht.meta, {
    total_lines: 1,
    total_bytes: 60,
    truncated: true,
    truncated_reason: "max_bytes",
    strategy: "head_tail",
  });
  const enc = new TextEncoder();
  for (const strategy of ["head", "tail", "head_tail"]) {
    for (const text of [greek, faces, e, "a😀bé\nc😁\n", "x".repeat(40) + "😂"]) {
      for (let max = 1; max < enc.encode(text).length; max++) {
        const out = truncateText(text, { max_bytes: max, truncate_strategy: strategy }).text;
        assert.ok(enc.encode(out).length <= max, `${strategy} ${max}: ${out}`);
        assert.ok(!out.includes("\uFFFD"), `${strategy} ${max}: ${JSON.stringify(out)}`);
      }
    }
  }
});

Deno.test("truncate: tail by lines, then bytes", () => {
  const lines = "één\ntwee\ndrie\nvier\n";
  const r = truncateText(lines, { max_lines: 2, max_bytes: 7, truncate_strategy: "tail" });
  assert.equal(r.text, "ie\nvier"); // the last two lines "drie\nvier" are 9 bytes; the last 7 of them
  assert.deepEqual(r.meta, {
    total_lines: 4,
    total_bytes: 21, // é is two bytes
    truncated: true,
    truncated_reason: "max_lines,max_bytes",
    strategy: "tail",
  });
});
