/**
 * V8's JSON profiles: recognises a CPU profile (`.cpuprofile`: `nodes`,
 * `samples`, `timeDeltas`) or a sampling heap profile (`.heapprofile`: a
 * `head` allocation tree) and hands it to its decoder; the call frames both
 * share become functions and locations here.
 *
 * @module
 */
import { ProfileError } from "../../errors.ts";
import type { Profile } from "../model.ts";
import { isObject } from "./v8_common.ts";
import { v8CpuProfile } from "./v8_cpu.ts";
import { v8HeapProfile } from "./v8_heap.ts";

/** Whether `b` starts like JSON text: an object, after any byte order mark and white space. */
export function looksLikeJson(b: Uint8Array): boolean {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  return b[i] === 0x7b; // "{"
}

/**
 * Decodes a V8 CPU or heap profile from its JSON bytes.
 *
 * @throws {ProfileError} naming the format and what is wrong, when the JSON is
 * broken or is neither kind of V8 profile.
 */
export function v8Profile(b: Uint8Array): { profile: Profile; format: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b));
  } catch (e) {
    // V8's JSON messages quote the input, which may hold line breaks: keep the error on one line.
    // deno-lint-ignore no-control-regex
    const why = e instanceof SyntaxError ? e.message.replace(/[\x00-\x1f]+/g, " ").slice(0, 200) : "not UTF-8 text";
    throw new ProfileError(`not a valid JSON profile (V8 .cpuprofile or .heapprofile): ${why}`);
  }
  if (isObject(json) && Array.isArray(json.nodes)) return { profile: v8CpuProfile(json), format: "V8 CPU profile" };
  if (isObject(json) && isObject(json.head)) return { profile: v8HeapProfile(json), format: "V8 heap profile" };
  throw new ProfileError(
    "JSON, but not a V8 profile: a .cpuprofile has `nodes`, `samples` and `timeDeltas`, a .heapprofile a `head` " +
      "allocation tree",
  );
}
