/**
 * profiles.fetch and `pprof-mcp fetch`: profiles from a real local HTTP server (fixture profiles served as
 * net/http/pprof serves them) and from a real Go program with net/http/pprof when Go is installed; what is kept
 * (only profiles, atomically, never over a file), progress, cancellation, caps and the errors.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { fetchProfile, profileTarget } from "../lib/local/fetch.ts";
import { setMaxProfileBytes } from "../lib/profile/decompress.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";
import { DEFAULT_FILES, freePort, startFixtureServer } from "./support/local_server.ts";
import { startServer } from "./mcp_client.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const registry = createRegistry();

async function call(
  args: Record<string, unknown>,
  o: { signal?: AbortSignal; base?: string; progress?: [number, number | undefined, string | undefined][] } = {},
) {
  const handles = new HandleRegistry();
  const result = await registry.call("profiles.fetch", args, "default", {
    signal: o.signal ?? new AbortController().signal,
    progress: (done, total, message) => {
      o.progress?.push([done, total, message]);
      return Promise.resolve();
    },
    sandbox: new Sandbox(o.base, handles),
    handles,
  });
  return { result, out: result.structuredContent as Json, text: result.content[0].text, handles };
}

const errorOf = (r: { out: Json }) => r.out.error as { code: string; message: string };

Deno.test("profileTarget: URLs as go tool pprof reads them, and the capture length", () => {
  const t = profileTarget("localhost:6060");
  assert.equal(t.url.href, "http://localhost:6060/debug/pprof/profile");
  assert.equal(t.kind, "cpu");
  assert.equal(t.captureSeconds, 30);
  assert.equal(profileTarget("http://h:1/debug/pprof/profile?seconds=5").captureSeconds, 5);
  assert.equal(profileTarget("http://h:1/debug/pprof/profile", 7).url.search, "?seconds=7");
  const heap = profileTarget("https://h:1/debug/pprof/heap");
  assert.deepEqual([heap.kind, heap.captureSeconds], ["heap", 0]);
  assert.equal(profileTarget("h:1/debug/pprof/heap", 10).captureSeconds, 10);
  assert.equal(profileTarget("h:1/pprof/profile.pb").kind, "profile.pb");
  assert.throws(() => profileTarget("http://h:1/debug/pprof/profile?seconds=5", 6), /seconds=5 but seconds is 6/);
  assert.throws(() => profileTarget("ftp://h/x"), /only http:\/\/ and https:\/\//);
  assert.throws(() => profileTarget(""), /url is required/);
  assert.throws(() => profileTarget("http://h:1/debug/pprof/profile?seconds=x"), /not a number of seconds/);
});

Deno.test("profiles.fetch: each endpoint's profile, written as served, with a handle", async () => {
  const server = startFixtureServer();
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [name, kind] of [["heap", "heap"], ["allocs", "allocs"], ["goroutine", "goroutine"], ["mutex", "mutex"]]
    ) {
      const r = await call({ url: `${server.origin}/debug/pprof/${name}`, out_dir: dir });
      assert.equal(r.result.isError, false, r.text);
      assert.equal(r.out.kind, kind);
      assert.match(
        r.out.output_path,
        new RegExp(`^${dir}/127\\.0\\.0\\.1_${server.port}_${kind}_\\d{8}_\\d{6}\\.pb\\.gz$`),
      );
      const served = await Deno.readFile(DEFAULT_FILES[name]);
      assert.deepEqual(await Deno.readFile(r.out.output_path), served, name);
      assert.equal(r.out.bytes, served.length);
      assert.equal(r.out.capture_seconds, 0);
      const p = await loadProfile(DEFAULT_FILES[name]);
      assert.equal(r.out.samples, p.sampleCount);
      assert.deepEqual(r.out.sample_types, p.sampleTypes.map((t) => `${t.type}/${t.unit}`));
      const h = r.handles.get(r.out.handle)!;
      assert.equal(h.path, r.out.output_path);
      assert.equal(h.type, kind);
      assert.equal(h.bytes, served.length);
      assert.deepEqual(r.out.next_steps.map((s: Json) => s.tool), ["pprof.top", "pprof.meta"]);
    }
    // A second fetch of the same kind in the same second gets its own name.
    const a = await call({ url: `${server.origin}/debug/pprof/block`, out_dir: dir });
    const b = await call({ url: `${server.origin}/debug/pprof/block`, out_dir: dir });
    assert.notEqual(a.out.output_path, b.out.output_path);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.equal(names.length, 6);
    assert.ok(names.every((n) => !n.startsWith(".")), `no temporary file is left: ${names}`);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profiles.fetch: a CPU capture reports progress each second and passes seconds on", async () => {
  const server = startFixtureServer();
  const dir = await Deno.makeTempDir();
  try {
    const progress: [number, number | undefined, string | undefined][] = [];
    const r = await call({ url: `${server.origin}/debug/pprof/profile`, seconds: 3, output_path: `${dir}/cpu.pb.gz` }, {
      progress,
    });
    assert.equal(r.result.isError, false, r.text);
    assert.equal(server.requests.at(-1)!.search, "?seconds=3");
    assert.equal(r.out.capture_seconds, 3);
    assert.equal(r.out.kind, "cpu");
    assert.deepEqual(await Deno.readFile(`${dir}/cpu.pb.gz`), await Deno.readFile(DEFAULT_FILES.profile));
    const ticks = progress.filter(([, , m]) => m?.startsWith("recording cpu:"));
    assert.ok(ticks.length >= 2, JSON.stringify(progress));
    assert.ok(ticks.every(([, total]) => total === 3));
    const done = ticks.map(([d]) => d);
    assert.deepEqual(done, [...done].sort((x, y) => x - y), "progress only goes forward");
    assert.deepEqual(progress.at(-1)!.slice(0, 2), [3, 3]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profiles.fetch: a canceled capture stops the request and writes nothing", async () => {
  const server = startFixtureServer();
  const dir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    const progress: [number, number | undefined, string | undefined][] = [];
    const pending = call({ url: `${server.origin}/debug/pprof/profile?seconds=120`, out_dir: dir }, {
      signal: controller.signal,
      progress,
    });
    // Cancel once the capture has visibly begun.
    while (!progress.some(([, , m]) => m?.startsWith("recording cpu:"))) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const r = await pending;
    assert.equal(r.result.isError, true);
    assert.equal(errorOf(r).code, "CANCELED");
    // The server saw the client go away (its answer would have come after 120 s).
    for (let i = 0; i < 100 && !server.requests[0].aborted; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.requests[0].aborted, true);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profiles.fetch: errors say what the server said, and nothing is written", async () => {
  const truncated = (await Deno.readFile(DEFAULT_FILES.heap)).subarray(0, 300);
  const server = startFixtureServer({
    writeTimeoutSeconds: 10,
    custom: (_req, url) => {
      if (url.pathname === "/debug/pprof/cut") return new Response(truncated);
      if (url.pathname === "/debug/pprof/text") return new Response("hello, this is not a profile at all\n");
      if (url.pathname === "/debug/pprof/empty") return new Response("");
      if (url.pathname === "/debug/pprof/boom") return new Response("internal trouble\nmore\n", { status: 500 });
      return undefined;
    },
  });
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string, RegExp][] = [
      ["/debug/pprof/profile?seconds=30", /: 400 Bad Request: profile duration exceeds server's WriteTimeout$/],
      ["/debug/pprof/nothing", /: 404 Not Found: Unknown profile \(net\/http\/pprof serves \/debug\/pprof\/profile/],
      ["/debug/pprof/", /the answer is a web page \(text\/html; charset=utf-8\), not a profile: is the path right\?/],
      ["/debug/pprof/heap?debug=1", /the answer is text, not a profile: \?debug=N asks net\/http\/pprof for text/],
      ["/debug/pprof/cut", /the answer is not a profile: .*truncated/],
      ["/debug/pprof/text", /the answer is not a profile: this is text, but neither profile\.proto nor folded/],
      ["/debug/pprof/empty", /the answer is empty, not a profile/],
      ["/debug/pprof/boom", /: 500 Internal Server Error: internal trouble$/],
    ];
    for (const [path, want] of cases) {
      const r = await call({ url: server.origin + path, out_dir: dir });
      assert.equal(r.result.isError, true, path);
      assert.equal(errorOf(r).code, "INVALID_ARGUMENT", path);
      assert.match(errorOf(r).message, want, path);
      assert.ok(errorOf(r).message.startsWith(`${server.origin}${path.replace(/\?.*/, "")}`), errorOf(r).message);
    }
    const port = freePort();
    const refused = await call({ url: `127.0.0.1:${port}/debug/pprof/heap`, out_dir: dir });
    assert.equal(
      errorOf(refused).message,
      `cannot connect to http://127.0.0.1:${port}/debug/pprof/heap: connection refused (is the server running and ` +
        `listening on 127.0.0.1:${port}?)`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was written");
    await Deno.writeTextFile(`${dir}/there.pb.gz`, "x");
    const exists = await call({ url: `${server.origin}/debug/pprof/heap`, output_path: `${dir}/there.pb.gz` });
    assert.match(errorOf(exists).message, /already exists; fetch only writes new files/);
    assert.equal(await Deno.readTextFile(`${dir}/there.pb.gz`), "x");
    assert.match(errorOf(await call({ url: `${server.origin}/debug/pprof/heap` })).message, /out_dir or output_path/);
    assert.match(
      errorOf(await call({ url: server.origin, out_dir: dir, output_path: `${dir}/x` })).message,
      /not both/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fetchProfile: the download cap, the decompression cap and the deadline", async () => {
  const stalls: AbortSignal[] = [];
  const server = startFixtureServer({
    custom: (req, url) => {
      if (url.pathname !== "/debug/pprof/stall") return undefined;
      stalls.push(req.signal);
      // Headers at once, then a body that never ends (until the client goes away).
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array([0x1f, 0x8b]));
          req.signal.addEventListener("abort", () => c.close(), { once: true });
        },
      });
      return new Response(body);
    },
  });
  try {
    const heap = await Deno.readFile(DEFAULT_FILES.heap);
    await assert.rejects(
      fetchProfile(profileTarget(`${server.origin}/debug/pprof/heap`), { maxBytes: heap.length - 1 }),
      /the answer is larger than \d+ bytes, the cap on a download \(PPROF_MCP_MAX_DOWNLOAD_BYTES raises it\)/,
    );
    const ok = await fetchProfile(profileTarget(`${server.origin}/debug/pprof/heap`), { maxBytes: heap.length });
    assert.equal(ok.bytes.length, heap.length);
    setMaxProfileBytes(1000);
    try {
      await assert.rejects(
        fetchProfile(profileTarget(`${server.origin}/debug/pprof/heap`)),
        /the answer is not a profile: the gzip data decompresses to more than 1000 bytes, the cap/,
      );
    } finally {
      setMaxProfileBytes(undefined);
    }
    await assert.rejects(
      fetchProfile(profileTarget(`${server.origin}/debug/pprof/stall`), { marginSeconds: 1 }),
      /\/debug\/pprof\/stall: no complete answer within 1 s \(the deadline of an answer that needs no capture\)/,
    );
    await assert.rejects(
      fetchProfile(profileTarget(`${server.origin}/debug/pprof/stall?seconds=1`), { marginSeconds: 1 }),
      /no complete answer within 2 s \(a 1 s capture and a 1 s margin\)/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("profiles.fetch over https (certificate checked: the test server's is self-signed)", async () => {
  const server = startFixtureServer({ tls: true });
  const dir = await Deno.makeTempDir();
  try {
    const r = await call({ url: `${server.origin}/debug/pprof/heap`, out_dir: dir });
    assert.equal(r.result.isError, true);
    assert.match(errorOf(r).message, /certificate|UnknownIssuer|self.signed/i);
    const insecure = await fetchProfile(profileTarget(`${server.origin}/debug/pprof/heap`), { insecure: true });
    assert.deepEqual(insecure.bytes, await Deno.readFile(DEFAULT_FILES.heap));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pprof-mcp fetch URL -o DIR|FILE", async () => {
  const server = startFixtureServer();
  const dir = await Deno.makeTempDir();
  try {
    let io = memoryIO();
    assert.equal(await runCli(["fetch", `${server.origin}/debug/pprof/heap`, "-o", dir], io), 0, io.stderr);
    const [name] = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.match(name, /^127\.0\.0\.1_\d+_heap_\d{8}_\d{6}\.pb\.gz$/);
    assert.match(io.stdout, /^fetched the heap profile of 127\.0\.0\.1:\d+ into /);
    // On a terminal, progress is one line rewritten in place.
    io = Object.assign(memoryIO(), { errIsTerminal: () => true });
    const file = `${dir}/cpu.pb.gz`;
    assert.equal(
      await runCli(["fetch", `${server.origin}/debug/pprof/profile`, "-o", file, "--seconds", "1", "--json"], io),
      0,
    );
    const out = JSON.parse(io.stdout);
    assert.equal(out.output_path, file);
    assert.equal(out.capture_seconds, 1);
    assert.match(io.stderr, /recording cpu for 1 s/);
    assert.deepEqual(await Deno.readFile(file), await Deno.readFile(DEFAULT_FILES.profile));
    io = memoryIO();
    assert.equal(await runCli(["fetch", `${server.origin}/debug/pprof/nothing`, "-o", dir], io), 2);
    assert.match(
      io.stderr,
      /^pprof-mcp: http:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/nothing: 404 Not Found: Unknown profile/,
    );
    io = memoryIO();
    assert.equal(await runCli(["fetch", `${server.origin}/debug/pprof/heap`], io), 2);
    assert.match(io.stderr, /-o DIR\|FILE is required/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcp: profiles.fetch inside the base dir, with progress; outside it is refused", async () => {
  const server = startFixtureServer();
  const base = await Deno.makeTempDir();
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    const ticks: number[] = [];
    const r = await c.callTool(
      { name: "profiles.fetch", arguments: { url: `${server.origin}/debug/pprof/profile?seconds=2`, out_dir: "got" } },
      undefined,
      { onprogress: (p: { progress: number }) => void ticks.push(p.progress) },
    ) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const real = Deno.realPathSync(base);
    assert.ok(r.structuredContent.output_path.startsWith(`${real}/got/`), r.structuredContent.output_path);
    assert.ok(ticks.length >= 1);
    const top = await c.callTool({ name: "pprof.top", arguments: { profile: r.structuredContent.handle } }) as Json;
    assert.equal(top.isError, false, top.content[0].text);
    const outside = await c.callTool({
      name: "profiles.fetch",
      arguments: { url: `${server.origin}/debug/pprof/heap`, out_dir: "/tmp/elsewhere" },
    }) as Json;
    assert.equal(outside.isError, true);
    assert.match(outside.structuredContent.error.message, /is outside base dir/);
  } finally {
    await c.close();
    await server.close();
    await Deno.remove(base, { recursive: true });
  }
});

/** Builds fixtures/gen/cmd/pprofserver, or undefined when Go is not installed. */
async function buildGoServer(dir: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("go", {
      args: ["build", "-o", `${dir}/pprofserver`, "./cmd/pprofserver"],
      cwd: FIXTURES + "gen",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return `${dir}/pprofserver`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Starts the Go server; resolves with its origin once it listens. */
async function startGoServer(bin: string, args: string[] = []) {
  const child = new Deno.Command(bin, { args, stdin: "piped", stdout: "piped", stderr: "null" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`pprofserver ended: ${text}`);
    text += value;
  }
  reader.releaseLock();
  const origin = /listening on (http:\/\/\S+)/.exec(text)![1];
  return {
    origin,
    async stop() {
      await child.stdin.close();
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

Deno.test("profiles.fetch from a real Go program with net/http/pprof", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const bin = await buildGoServer(dir);
    if (!bin) {
      console.log("skipped: go is not installed (the Go net/http/pprof server test needs it)");
      return;
    }
    const go = await startGoServer(bin);
    try {
      for (const name of ["heap", "allocs", "goroutine", "mutex", "block", "threadcreate"]) {
        await t.step(name, async () => {
          const r = await call({ url: `${go.origin}/debug/pprof/${name}`, out_dir: dir });
          assert.equal(r.result.isError, false, r.text);
          assert.ok(r.out.samples > 0, `${name}: ${r.out.samples} samples`);
          await loadProfile(r.out.output_path);
        });
      }
      await t.step("cpu", async () => {
        const r = await call({ url: `${go.origin}/debug/pprof/profile`, seconds: 2, out_dir: dir });
        assert.equal(r.result.isError, false, r.text);
        assert.deepEqual(r.out.sample_types, ["samples/count", "cpu/nanoseconds"]);
        const top = await registry.call("pprof.top", { profile: r.out.output_path }, "default", {
          signal: new AbortController().signal,
          progress: () => Promise.resolve(),
          sandbox: new Sandbox(undefined, r.handles),
          handles: r.handles,
        });
        assert.match(top.content[0].text, /main\.burn/);
      });
    } finally {
      await go.stop();
    }
    const limited = await startGoServer(bin, ["-write-timeout", "2s"]);
    try {
      const r = await call({ url: `${limited.origin}/debug/pprof/profile?seconds=5`, out_dir: dir });
      assert.equal(
        errorOf(r).message,
        `${limited.origin}/debug/pprof/profile?seconds=5: 400 Bad Request: profile duration exceeds server's ` +
          "WriteTimeout",
      );
      const missing = await call({ url: `${limited.origin}/debug/pprof/nothing`, out_dir: dir });
      assert.match(errorOf(missing).message, /: 404 Not Found: Unknown profile \(/);
    } finally {
      await limited.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
