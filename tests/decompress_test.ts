/**
 * Decompression: the cap on the decompressed size (option, environment
 * variable, CLI flag), concatenated gzip members and zstd frames refused,
 * corrupt trailers, double compression, and the server answering while a
 * large file inflates. Bombs are made at test time from zeros, and a small
 * cap proves the cap without gigabytes.
 */
import assert from "node:assert/strict";
import { gunzipSync, gzipSync, zstdCompressSync } from "node:zlib";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { ProfileError } from "../lib/errors.ts";
import {
  decompress,
  inflate,
  MAX_PROFILE_BYTES_ENV,
  maxProfileBytes,
  parseByteSize,
} from "../lib/profile/decompress.ts";
import { loadProfile, parseProfile } from "../lib/profile/load.ts";
import { startServer } from "./mcp_client.ts";

const cpuGz = Deno.readFileSync(new URL("../fixtures/profiles/cpu.pb.gz", import.meta.url));
const cpuRaw = new Uint8Array(gunzipSync(cpuGz));
const zeros = (n: number) => new Uint8Array(gzipSync(new Uint8Array(n)));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};

/** Both decompressors, so every rule is checked for the streaming and the in-memory path. */
const both = [
  ["inflate", (b: Uint8Array, maxBytes?: number) => inflate(b, { maxBytes })],
  ["decompress", (b: Uint8Array, maxBytes?: number) => Promise.resolve().then(() => decompress(b, { maxBytes }))],
] as const;

async function withFile<T>(bytes: Uint8Array, f: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".pb.gz" });
  try {
    await Deno.writeFile(path, bytes);
    return await f(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("decompress: output past the cap is refused, saying the cap and how to raise it", async () => {
  const gz = zeros(1 << 20);
  const zst = new Uint8Array(zstdCompressSync(new Uint8Array(1 << 20)));
  for (const [name, f] of both) {
    for (const [kind, bomb] of [["gzip", gz], ["zstd", zst]] as const) {
      await assert.rejects(f(bomb, 64 << 10), (e: unknown) => {
        assert.ok(e instanceof ProfileError, `${name} ${kind}: ${e}`);
        assert.equal(
          e.message,
          `the ${kind} data decompresses to more than 64 KiB, the cap on a profile's size (raise it with ` +
            `--max-profile-bytes or ${MAX_PROFILE_BYTES_ENV}, e.g. ${MAX_PROFILE_BYTES_ENV}=4GiB)`,
        );
        return true;
      });
    }
    // Exactly at the cap is fine.
    assert.equal((await f(gz, 1 << 20)).length, 1 << 20);
    assert.deepEqual(await f(cpuGz, cpuRaw.length), cpuRaw);
  }
});

Deno.test("decompress: the cap comes from the environment, and loadProfile names the file", async () => {
  const before = Deno.env.get(MAX_PROFILE_BYTES_ENV);
  try {
    Deno.env.set(MAX_PROFILE_BYTES_ENV, "512KiB");
    assert.equal(maxProfileBytes(), 512 << 10);
    await withFile(zeros(1 << 20), async (path) => {
      await assert.rejects(loadProfile(path), (e: unknown) => {
        assert.ok(e instanceof ProfileError);
        assert.match(e.message, new RegExp(`^${path}: the gzip data decompresses to more than 512 KiB, the cap`));
        return true;
      });
    });
    await withFile(cpuGz, async (path) => assert.equal((await loadProfile(path)).sampleCount > 0, true));
    Deno.env.set(MAX_PROFILE_BYTES_ENV, "lots");
    assert.throws(() => maxProfileBytes(), /PPROF_MCP_MAX_PROFILE_BYTES: "lots" is not a size in bytes/);
    Deno.env.delete(MAX_PROFILE_BYTES_ENV);
    assert.equal(maxProfileBytes(), 1 << 30);
  } finally {
    if (before === undefined) Deno.env.delete(MAX_PROFILE_BYTES_ENV);
    else Deno.env.set(MAX_PROFILE_BYTES_ENV, before);
  }
  assert.equal(parseByteSize("1073741824", "x"), 1 << 30);
  assert.equal(parseByteSize("2GiB", "x"), 2 ** 31);
  assert.equal(parseByteSize("512 mb", "x"), 512 << 20);
  assert.equal(parseByteSize("64k", "x"), 64 << 10);
});

Deno.test("decompress: --max-profile-bytes on the CLI, for this command only", async () => {
  await withFile(zeros(1 << 20), async (path) => {
    const io = memoryIO();
    assert.equal(await runCli(["top", "--max-profile-bytes=256KiB", path], io), 2);
    assert.equal(
      io.stderr,
      `pprof-mcp: ${path}: the gzip data decompresses to more than 256 KiB, the cap on a profile's size ` +
        `(raise it with --max-profile-bytes or ${MAX_PROFILE_BYTES_ENV}, e.g. ${MAX_PROFILE_BYTES_ENV}=4GiB)\n`,
    );
    // Raised above the size, the zeros get as far as the decoder.
    const raised = memoryIO();
    assert.equal(await runCli(["top", "--max-profile-bytes=2MiB", path], raised), 2);
    assert.match(raised.stderr, /invalid protobuf field number 0/);
  });
  assert.equal(maxProfileBytes(), 1 << 30, "the flag does not outlive the command");
  const bad = memoryIO();
  assert.equal(await runCli(["top", "--max-profile-bytes=-1", "x.pb.gz"], bad), 2);
  assert.match(bad.stderr, /^pprof-mcp: --max-profile-bytes: "-1" is not a size in bytes/);
});

Deno.test("decompress: concatenated gzip members and zstd frames are refused", async () => {
  const zst = new Uint8Array(zstdCompressSync(cpuRaw));
  const cases: [string, Uint8Array, RegExp][] = [
    ["gzip", concat(cpuGz, cpuGz), /^the file is several gzip streams one after another \(concatenated profiles\?\)/],
    ["zstd", concat(zst, zst), /^the file is 2 zstd frames one after another \(concatenated profiles\?\)/],
  ];
  for (const [name, f] of both) {
    for (const [kind, bytes, re] of cases) {
      await assert.rejects(f(bytes), (e: unknown) => {
        assert.ok(e instanceof ProfileError, `${name} ${kind}`);
        assert.match(e.message, re);
        assert.match(e.message, /`pprof-mcp merge A B -o merged\.pb\.gz` combines profiles$/);
        return true;
      });
    }
    // One frame and an empty one (as Deno's encoder ends) is one profile.
    assert.deepEqual(await f(zst), cpuRaw);
  }
});

Deno.test("decompress: trailing data, bad checksums, cut-off and doubly compressed files", async () => {
  const badCrc = cpuGz.slice();
  badCrc[badCrc.length - 6] ^= 0xff;
  const cases: [Uint8Array, RegExp][] = [
    [concat(cpuGz, new Uint8Array([1, 2, 3])), /3 bytes of unknown data follow the gzip stream/],
    [badCrc, /checksum mismatch \(the data is corrupt\)/],
    [cpuGz.subarray(0, cpuGz.length - 4), /the gzip trailer is missing \(the file looks truncated\)/],
    [cpuGz.subarray(0, cpuGz.length / 2), /cannot decompress gzip data: .*\(the file looks truncated\)/],
    [cpuGz.subarray(0, 6), /the gzip header is cut off/],
    [new Uint8Array(gzipSync(cpuGz)), /the gzip data holds gzip data again: the file is compressed twice/],
  ];
  for (const [name, f] of both) {
    for (const [bytes, re] of cases) {
      await assert.rejects(f(bytes), (e: unknown) => {
        assert.ok(e instanceof ProfileError, `${name}: ${e}`);
        assert.match(e.message, re, name);
        return true;
      });
    }
  }
  assert.throws(() => parseProfile(concat(cpuGz, cpuGz)), /several gzip streams/);
});

Deno.test({
  name: "decompress: the MCP server answers tools/list while a large file inflates",
  // The server inflates a 512 MiB bomb (under the default cap) off its main thread.
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const bomb = `${dir}/bomb.pb.gz`;
    await Deno.writeFile(bomb, zeros(512 << 20));
    const c = await startServer();
    try {
      const order: string[] = [];
      const call = (async () => {
        const r = await c.callTool({ name: "pprof.top", arguments: { profile: bomb } }, CallToolResultSchema);
        order.push("call");
        return r;
      })();
      // Give the call a head start so the server is inflating when the list arrives.
      await new Promise((r) => setTimeout(r, 100));
      const list = (async () => {
        const r = await c.listTools();
        order.push("list");
        return r;
      })();
      const [result, tools] = await Promise.all([call, list]);
      assert.ok(tools.tools.length > 0);
      assert.equal(result.isError, true);
      assert.match(String((result.content as { text: string }[])[0].text), /invalid protobuf field number 0/);
      assert.deepEqual(order, ["list", "call"], "tools/list was answered while the bomb inflated");
    } finally {
      await c.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
