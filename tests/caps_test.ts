/**
 * Output caps: streamed truncation equals truncating the whole text, and every
 * text tool's default answer stays under 100 KB on the largest profiles.
 */
import assert from "node:assert/strict";
import { truncateChunks, truncateText, utf8Length } from "../lib/tools/truncate.ts";

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("utf8Length counts bytes as TextEncoder writes them", () => {
  for (const s of ["", "abc", "é", "€", "😀", "a😀b€", "\ud800", "x\udc00y"]) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

Deno.test("truncateChunks: the same text and meta as truncateText of the whole, for every strategy", () => {
  const rand = rng(7);
  const words = ["a", "bb", "ccc", "é", "€€", "😀", "runtime.mallocgc", "x".repeat(40)];
  for (let round = 0; round < 3000; round++) {
    const lines = Array.from({ length: Math.floor(rand() * 30) }, () => {
      const n = Math.floor(rand() * 5);
      return Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");
    });
    // Chunks of whole lines, as the reports produce them.
    const chunks: string[] = [];
    for (let i = 0; i < lines.length;) {
      const n = 1 + Math.floor(rand() * 3);
      chunks.push(lines.slice(i, i + n).map((l) => l + "\n").join(""));
      i += n;
    }
    const text = chunks.join("");
    const o = {
      max_lines: rand() < 0.3 ? 0 : Math.floor(rand() * 12),
      max_bytes: rand() < 0.3 ? 0 : Math.floor(rand() * 120),
      truncate_strategy: ["head", "tail", "head_tail"][Math.floor(rand() * 3)],
    };
    const want = truncateText(text, o);
    const label = JSON.stringify({ o, text });
    assert.deepEqual(truncateChunks(chunks, o), want, label);
    const size = () => ({ lines: want.meta.total_lines, bytes: want.meta.total_bytes });
    assert.deepEqual(truncateChunks(chunks, o, size), want, label);
  }
});

Deno.test("truncateChunks: with the size known, a head cut stops reading", () => {
  let read = 0;
  function* chunks() {
    for (let i = 0; i < 1_000_000; i++) {
      read++;
      yield `line ${i}\n`;
    }
  }
  const r = truncateChunks(chunks(), { max_lines: 3 }, () => ({ lines: 1_000_000, bytes: 12_345 }));
  assert.equal(r.text, "line 0\nline 1\nline 2");
  assert.equal(r.meta.total_lines, 1_000_000);
  assert.ok(read < 10, `read ${read} chunks`);
});
