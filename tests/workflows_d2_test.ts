/**
 * pprof.discover's d2 source: with d2=true the server records the profiles of the service's dev-cluster pod (a fake
 * kubectl whose port-forward reaches a real HTTPS server of fixture profiles, as in local_d2_test.ts) and analyses
 * them like a Datadog bundle; every port-forward has ended afterwards.
 */
import assert from "node:assert/strict";
import { alive, fakeBin, pod } from "./support/fakes/fake_bin.ts";
import { startFixtureServer } from "./support/local_server.ts";
import { startServer } from "./mcp_client.ts";
import { BINARY_PERMISSIONS } from "./permissions.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("discover with d2=true: the pod's profiles, analysed; env d2; the port-forward is gone", async () => {
  const fake = await fakeBin(["kubectl"]);
  const server = startFixtureServer({
    tls: true,
    token: "3f9c0d5e",
    tokenRequestHeader: "X-Profile",
    tokenHeader: "X-Profile-Token",
    secondScale: 0.05,
  });
  const target = `127.0.0.1:${server.port}`;
  await Deno.writeTextFile(
    `${fake.state}/pods.json`,
    JSON.stringify([pod("be-innkeeper-d59886fd6-phwnd", "be-innkeeper", target)]),
  );
  const dir = await Deno.makeTempDir();
  const config = `${dir}/local.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      port: 4421,
      scheme: "https",
      service_prefixes: ["be-"],
      token: {
        source: "endpoint",
        method: "PUT",
        path: "/debug/token",
        request_headers: { "X-Profile": "true" },
        header: "X-Profile-Token",
      },
    }),
  );
  const c = await startServer({
    env: { PATH: fake.path, PPROF_MCP_LOCAL_CONFIG: config, d2: "true" },
    permissions: [...BINARY_PERMISSIONS, "--allow-run=kubectl,git,tilt"],
  });
  try {
    const r = await c.callTool({
      name: "pprof.discover",
      arguments: { service: "innkeeper", env: "prod", out_dir: `${dir}/d2` },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const res = r.structuredContent.result;
    assert.equal(res.env, "d2");
    assert.deepEqual(res.profiles.map((p: Json) => p.type), ["allocs", "block", "cpu", "goroutines", "heap", "mutex"]);
    assert.ok(res.cpu && res.heap && res.mutex && res.block && res.goroutine, Object.keys(res).join(","));
    assert.ok(res.findings.length > 0);
    assert.deepEqual(res.warnings.filter((w: string) => /failed|could not be read|missing/.test(w)), []);
    const forwards = fake.forwards();
    assert.ok(forwards.length >= 1);
    for (const f of forwards) assert.equal(alive(f.pid), false, `port-forward ${f.pid} still running`);
  } finally {
    await c.close();
    await server.close();
    await fake.remove();
    await Deno.remove(dir, { recursive: true });
  }
});
