/**
 * The profiles the server holds as MCP resources: the SDK's 2025-era Client
 * over stdio against the real, confined server (merges and conversions make
 * handles, resources/list shows them, resources/read gives their metadata and
 * a link to the file, notifications/resources/list_changed announces them),
 * and the sandbox rules of lib/mcp/resources.ts directly.
 */
import assert from "node:assert/strict";
import { ResourceListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { listProfiles, profileMetadata, UnknownResourceError } from "../lib/mcp/resources.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";
import { RawServer, startLoggedServer } from "./mcp_client.ts";

const WORKER = /files confined to \S+ \(path checks; Deno permissions of a worker, deno\.json\)/;

async function fixtureBase(): Promise<string> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pprof-mcp-res-" }));
  for (const f of ["cpu", "cpu_after"]) await Deno.copyFile(`${FIXTURES}profiles/${f}.pb.gz`, `${base}/${f}.pb.gz`);
  await Deno.copyFile(`${FIXTURES}formats/node.cpuprofile`, `${base}/node.cpuprofile`);
  return base;
}

type Structured = { structuredContent?: Record<string, unknown>; isError?: boolean };

Deno.test("resources: merges and conversions are listed and read, announced to a 2025-era client", async () => {
  const base = await fixtureBase();
  const { client, stderr } = await startLoggedServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    assert.match(stderr(), WORKER);
    assert.deepEqual(client.getServerCapabilities()?.resources, { listChanged: true });
    let announced = 0;
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void announced++);
    assert.deepEqual((await client.listResources()).resources, []);

    const merged = await client.callTool({
      name: "pprof.merge",
      arguments: { profiles: ["cpu.pb.gz", "cpu_after.pb.gz"], output_path: "merged.pb.gz" },
    }) as Structured;
    assert.equal(merged.isError, false, JSON.stringify(merged));
    const handle = merged.structuredContent!.handle as string;

    const { resources } = await client.listResources();
    assert.equal(resources.length, 1);
    const [r] = resources;
    assert.equal(r.uri, handle);
    assert.equal(r.name, "merged.pb.gz");
    assert.equal(r.mimeType, "application/json");
    assert.match(r.description!, /made by pprof\.merge/);

    const read = await client.readResource({ uri: handle });
    assert.equal(read.contents.length, 1);
    const c = read.contents[0] as { uri: string; mimeType: string; text: string };
    assert.equal(c.uri, handle);
    assert.equal(c.mimeType, "application/json");
    const meta = JSON.parse(c.text);
    const size = Deno.statSync(`${base}/merged.pb.gz`).size;
    assert.equal(meta.handle, handle);
    assert.equal(meta.path, `${base}/merged.pb.gz`);
    assert.equal(meta.type, "cpu");
    assert.equal(meta.bytes, size);
    assert.equal(meta.bytes, merged.structuredContent!.bytes);
    assert.equal(meta.exists, true);
    assert.equal(meta.source_tool, "pprof.merge");
    assert.match(meta.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(meta.link, {
      type: "resource_link",
      uri: `file://${base}/merged.pb.gz`,
      name: "merged.pb.gz",
      mimeType: "application/octet-stream",
      description: "cpu profile",
      size,
    });

    // The handle a resource names is a profile the tools take.
    const top = await client.callTool({ name: "pprof.top", arguments: { profile: r.uri } }) as Structured;
    assert.equal(top.isError, false, JSON.stringify(top));

    // A removed file is still held, and says so.
    await Deno.remove(`${base}/merged.pb.gz`);
    const gone = JSON.parse((await client.readResource({ uri: handle })).contents[0].text as string);
    assert.equal(gone.exists, false);
    assert.equal(gone.bytes, size);

    const converted = await client.callTool({
      name: "pprof.convert",
      arguments: { profile: "node.cpuprofile", output_path: "node.pb.gz" },
    }) as Structured;
    assert.equal(converted.isError, false, JSON.stringify(converted));
    const uris = (await client.listResources()).resources.map((x: { uri: string }) => x.uri);
    assert.deepEqual(uris, [handle, converted.structuredContent!.handle]);
    const convertedMeta = JSON.parse((await client.readResource({ uri: uris[1] })).contents[0].text as string);
    assert.equal(convertedMeta.source_tool, "pprof.convert");

    // The notifications arrive before the call's answer: one for each new handle.
    assert.equal(announced, 2);

    await assert.rejects(
      client.readResource({ uri: "handle:0123456789abcdef" }),
      (e: { code?: number; message: string }) => e.code === -32002 && /no profile with the URI/.test(e.message),
    );
    assert.deepEqual((await client.listResourceTemplates()).resourceTemplates, []);
  } finally {
    await client.close();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("resources: handles whose file is outside the base dir are neither listed nor read", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pprof-mcp-res-" }));
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "pprof-mcp-out-" }));
  try {
    await Deno.writeFile(`${base}/in.pb.gz`, new Uint8Array(10));
    await Deno.writeFile(`${outside}/out.pb.gz`, new Uint8Array(20));
    // A link inside the base dir to a file outside is outside too.
    await Deno.symlink(`${outside}/out.pb.gz`, `${base}/link.pb.gz`);
    const handles = new HandleRegistry();
    const sandbox = new Sandbox(base, handles);
    const tool = handles.forTool("datadog.profiles.aggregate");
    const inside = tool.register({ path: `${base}/in.pb.gz`, type: "heap", service: "checkout", env: "prod" });
    const out = handles.register({ path: `${outside}/out.pb.gz` });
    const link = handles.register({ path: `${base}/link.pb.gz` });

    assert.deepEqual(listProfiles(handles, sandbox).map((r) => r.uri), [inside.id]);
    assert.equal(listProfiles(handles, sandbox)[0].title, "heap profile of checkout (prod)");
    for (const h of [out, link]) {
      assert.throws(() => profileMetadata(handles, sandbox, h.id), UnknownResourceError);
    }
    const meta = profileMetadata(handles, sandbox, inside.id);
    assert.equal(meta.source_tool, "datadog.profiles.aggregate");
    assert.equal(meta.bytes, 10);
    // Without a base dir every handle is listed.
    const open = new Sandbox(undefined, handles);
    assert.deepEqual(listProfiles(handles, open).length, 3);
  } finally {
    await Deno.remove(base, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("resources: ill-fitting resources/read params get -32602 with a sentence; the server stays up", async () => {
  const s = new RawServer();
  try {
    await s.initialize();
    const bad = await s.response(await s.request("resources/read", { uri: 5 }));
    assert.equal(bad.error.code, -32602);
    assert.match(bad.error.message, /^Invalid params for resources\/read: params\.uri must be a string, not a number$/);
    const missing = await s.response(await s.request("resources/read", {}));
    assert.match(missing.error.message, /params\.uri is missing \(expected a string\)/);
    const list = await s.response(await s.request("resources/list"));
    assert.deepEqual(list.result.resources, []);
  } finally {
    await s.close();
  }
});
