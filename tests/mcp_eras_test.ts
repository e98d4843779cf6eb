/**
 * Both MCP protocol eras from the same binary, confined to a base dir: the
 * SDK's v2 Client pinned to 2026-07-28 (server/discover, the envelope in
 * every request, stamped results, subscriptions/listen) and the 2025-era
 * Client (initialize) side by side, through the real server over stdio; raw
 * stdio for the envelope errors and cancellation a client would not send.
 */
import assert from "node:assert/strict";
import { diffOutputs, FIXTURES } from "./golden.ts";
import { type Message, MODERN_VERSION, RawServer, startLoggedServer, startModernServer } from "./mcp_client.ts";
import { DatadogDouble, doubleEnv, goBundle, profilesOf } from "./support/datadog_double.ts";

const WORKER = /files confined to \S+ \(path checks; Deno permissions of a worker, deno\.json\)/;
const ref = (path: string) => Deno.readTextFileSync(FIXTURES + path);

const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pprof-mcp-eras-" }));
for (const f of ["cpu", "cpu_after", "heap"]) {
  await Deno.copyFile(`${FIXTURES}profiles/${f}.pb.gz`, `${base}/${f}.pb.gz`);
}
const env = { PPROF_MCP_BASEDIR: base };

type Called = { isError?: boolean; structuredContent?: Record<string, unknown>; content: { text?: string }[] };
const TOP = { name: "pprof.top", arguments: { profile: "cpu.pb.gz", nodecount: 20, max_lines: 0, max_bytes: 0 } };

Deno.test("eras: a 2026-07-28 client and a 2025 client get the same tools, answers and resources", async () => {
  let changed = 0;
  const modern = await startModernServer({ env }, {
    listChanged: { resources: { autoRefresh: false, onChanged: () => void changed++ } },
  });
  const legacy = await startLoggedServer({ env });
  try {
    for (const s of [modern, legacy]) assert.match(s.stderr(), WORKER);
    const m = modern.client;
    assert.equal(m.getNegotiatedProtocolVersion(), MODERN_VERSION);
    assert.equal(m.getServerVersion()?.name, "pprof-mcp");
    assert.deepEqual(m.getServerCapabilities()?.resources, { listChanged: true });
    assert.ok(m.getInstructions()?.includes(`Files must be inside ${base}`));
    assert.equal(m.getInstructions(), legacy.client.getInstructions());

    const names = (tools: { name: string }[]) => tools.map((t) => t.name);
    const modernTools = (await m.listTools()).tools;
    assert.deepEqual(names(modernTools), names((await legacy.client.listTools()).tools));
    assert.ok(names(modernTools).includes("pprof.top"));

    // pprof.top on a fixture: go tool pprof's text in both eras, and the same structured result.
    const mt = await m.callTool(TOP) as Called;
    const lt = await legacy.client.callTool(TOP) as Called;
    assert.equal(mt.isError, false);
    assert.equal(diffOutputs(mt.structuredContent!.raw as string, ref("ref/cpu/top_n20/stdout.txt")), undefined);
    assert.deepEqual(mt.structuredContent, lt.structuredContent);

    // A merge with progress: notifications reach the 2026 client; the new handle is a resource it hears of.
    const progress: number[] = [];
    const merged = await m.callTool(
      { name: "pprof.merge", arguments: { profiles: ["cpu.pb.gz", "cpu_after.pb.gz"], output_path: "m.pb.gz" } },
      { onprogress: (p) => void progress.push(p.progress) },
    ) as Called;
    assert.equal(merged.isError, false, JSON.stringify(merged));
    const handle = merged.structuredContent!.handle as string;
    const { resources } = await m.listResources();
    assert.deepEqual(resources.map((r) => r.uri), [handle]);
    const meta = JSON.parse(((await m.readResource({ uri: handle })).contents[0] as { text: string }).text);
    assert.equal(meta.source_tool, "pprof.merge");
    assert.equal(meta.path, `${base}/m.pb.gz`);
    assert.equal(meta.bytes, Deno.statSync(`${base}/m.pb.gz`).size);
    // The other process holds its own handles.
    assert.deepEqual((await legacy.client.listResources()).resources, []);
    for (let i = 0; i < 50 && (changed === 0 || progress.length === 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(changed, 1);
    assert.ok(progress.length >= 1 && progress.every((p, i) => i === 0 || p > progress[i - 1]), String(progress));

    // Errors: a tool error is a result, an unknown resource a -32602 error (the revision's "not found").
    const outside = await m.callTool({ name: "pprof.top", arguments: { profile: "/etc/passwd" } }) as Called;
    assert.equal(outside.isError, true);
    assert.equal((outside.structuredContent!.error as { code: string }).code, "INVALID_ARGUMENT");
    assert.match(outside.content[0].text!, /outside base dir/);
    await assert.rejects(
      m.readResource({ uri: "handle:0123456789abcdef" }),
      (e: { code?: number; message: string }) => e.code === -32602 && /no profile with the URI/.test(e.message),
    );
  } finally {
    await modern.client.close();
    await legacy.client.close();
  }
});

/** The 2026 envelope errors, subscriptions and results as they are on the wire. */
Deno.test("eras: the 2026-07-28 wire: discover, envelope errors, stamped results, subscriptions", async () => {
  const s = new RawServer({ env });
  try {
    const discover = await s.response(await s.modernRequest("server/discover"));
    assert.deepEqual(discover.result.supportedVersions, [MODERN_VERSION]);
    assert.match(s.stderr, WORKER);
    assert.equal(discover.result.resultType, "complete");
    assert.deepEqual(discover.result.capabilities, { tools: {}, resources: { listChanged: true }, prompts: {} });
    assert.equal(discover.result._meta["io.modelcontextprotocol/serverInfo"].name, "pprof-mcp");
    assert.equal(typeof discover.result.ttlMs, "number");

    const unsupported = await s.response(
      await s.modernRequest("tools/list", {}, { "io.modelcontextprotocol/protocolVersion": "2099-01-01" }),
    );
    assert.equal(unsupported.error.code, -32022);
    assert.deepEqual(unsupported.error.data, { supported: [MODERN_VERSION], requested: "2099-01-01" });
    const noCaps = await s.response(
      await s.request("tools/list", { _meta: { "io.modelcontextprotocol/protocolVersion": MODERN_VERSION } }),
    );
    assert.equal(noCaps.error.code, -32602);
    assert.match(noCaps.error.message, /clientCapabilities"\] is missing/);
    const bare = await s.response(await s.request("server/discover"));
    assert.equal(bare.error.code, -32602);

    const listen = await s.modernRequest("subscriptions/listen", {
      notifications: { resourcesListChanged: true, toolsListChanged: true },
    });
    const ack = await s.waitFor((m) => m.method === "notifications/subscriptions/acknowledged");
    assert.deepEqual(ack.params, {
      _meta: { "io.modelcontextprotocol/subscriptionId": listen },
      notifications: { resourcesListChanged: true },
    });

    const list = await s.response(await s.modernRequest("resources/list"));
    assert.deepEqual(list.result.resources, []);
    assert.equal(list.result.resultType, "complete");
    assert.deepEqual([list.result.ttlMs, list.result.cacheScope], [0, "private"]);

    const from = s.received.length;
    const merged = await s.response(
      await s.modernRequest("tools/call", {
        name: "pprof.merge",
        arguments: { profiles: ["cpu.pb.gz", "heap.pb.gz"], output_path: "wire.pb.gz" },
      }),
    );
    // cpu and heap cannot be merged: an error result, stamped like any result, and no new resource.
    assert.equal(merged.result.isError, true);
    assert.equal(merged.result.resultType, "complete");
    const ok = await s.response(
      await s.modernRequest("tools/call", {
        name: "pprof.merge",
        arguments: { profiles: ["cpu.pb.gz", "cpu_after.pb.gz"], output_path: "wire.pb.gz" },
      }),
    );
    assert.equal(ok.result.isError, false);
    const changed = await s.waitFor((m: Message) => m.method === "notifications/resources/list_changed", from);
    assert.deepEqual(changed.params, { _meta: { "io.modelcontextprotocol/subscriptionId": listen } });
    // Unsubscribed: the next handle is not announced, and the subscription gets no answer.
    await s.send({ method: "notifications/cancelled", params: { requestId: listen } });
    const after = s.received.length;
    const again = await s.response(
      await s.modernRequest("tools/call", {
        name: "pprof.merge",
        arguments: { profiles: ["cpu.pb.gz", "cpu_after.pb.gz"], output_path: "wire2.pb.gz" },
      }),
    );
    assert.equal(again.result.isError, false);
    assert.deepEqual(
      s.received.slice(after).filter((m) => m.method === "notifications/resources/list_changed" || m.id === listen),
      [],
    );
    // No 2025-era session was opened: nothing was sent unasked.
    assert.equal(s.received.filter((m) => m.method === "notifications/resources/list_changed").length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("eras: a 2026-07-28 merge sends progress before its answer and stops when canceled", async () => {
  const s = new RawServer({ env });
  try {
    const copies = 40;
    const many = Array.from({ length: copies }, () => "cpu.pb.gz");
    const merge = (out: string, token: string) =>
      s.modernRequest("tools/call", { name: "pprof.merge", arguments: { profiles: many, output_path: out } }, {
        progressToken: token,
      });
    const canceled = await merge("canceled.pb.gz", "c");
    await s.waitFor((m) => m.method === "notifications/progress" && m.params.progressToken === "c");
    await s.send({ method: "notifications/cancelled", params: { requestId: canceled, reason: "test" } });
    const full = await merge("full.pb.gz", "f");
    const answer = await s.response(full);
    assert.equal(answer.result.isError, false, answer.result.content[0].text);
    assert.equal(answer.result.resultType, "complete");
    const progressOf = (token: string) =>
      s.received.slice(0, s.received.indexOf(answer)).filter((m) =>
        m.method === "notifications/progress" && m.params.progressToken === token
      ).map((m) => m.params.progress as number);
    assert.equal(Math.max(...progressOf("f")), copies + 1);
    const stoppedAt = Math.max(...progressOf("c"));
    assert.ok(stoppedAt < copies, `the canceled merge went on to ${stoppedAt} of ${copies}`);
    const first = s.received.filter((m) => m.id === canceled);
    assert.ok(
      first.length === 0 || first[0].result?.structuredContent?.error?.code === "CANCELED",
      JSON.stringify(first),
    );
    assert.equal(await Deno.stat(`${base}/canceled.pb.gz`).then(() => true, () => false), false);
  } finally {
    await s.close();
  }
});

Deno.test("eras: a Datadog download's profiles are resources of a 2026-07-28 client, with service, env and type", async () => {
  const d = DatadogDouble.start();
  d.profiles.push(...profilesOf(1, { nowMs: Date.now(), members: () => goBundle() }));
  const { client } = await startModernServer({ env: doubleEnv(d, env) });
  try {
    const r = await client.callTool({
      name: "profiles.download_latest_bundle",
      arguments: { service: "checkout", env: "prod", out_dir: "dd" },
    }) as Called;
    assert.equal(r.isError, false, JSON.stringify(r).slice(0, 500));
    const files = (r.structuredContent!.result as { files: { type: string; handle: string; path: string }[] }).files;
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((x) => x.uri), files.map((f) => f.handle));
    assert.deepEqual(resources.map((x) => x.title), files.map((f) => `${f.type} profile of checkout (prod)`));
    for (const f of files) {
      const text = ((await client.readResource({ uri: f.handle })).contents[0] as { text: string }).text;
      const meta = JSON.parse(text);
      assert.deepEqual([meta.type, meta.service, meta.env, meta.path], [f.type, "checkout", "prod", f.path]);
      assert.equal(meta.source_tool, "profiles.download_latest_bundle");
      assert.equal(meta.profile_id, d.profiles[0].profile_id);
      assert.equal(meta.link.uri, `file://${f.path}`);
      assert.equal(meta.bytes, Deno.statSync(f.path).size);
    }
  } finally {
    await client.close();
    await d.stop();
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
