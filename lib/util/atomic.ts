/**
 * Writing files so that readers never see a partial one: write a temporary
 * file next to the target, then rename it over the target.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` atomically. The temporary file is in the same
 * directory (a rename across file systems would not be atomic) and is removed
 * if anything fails.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${crypto.randomUUID().slice(0, 8)}`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, { createNew: true });
    else await Deno.writeFile(tmp, data, { createNew: true });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
