/**
 * d2.profiles.download end to end: the MCP server runs with a fake kubectl first on its PATH (recording its calls;
 * its port-forward forwards to a real HTTPS server of the test that serves fixture profiles and a token), and the
 * tests check the files, handles, warnings and errors, that every port-forward process is gone afterwards (also
 * after failures and a cancel), and the settings (arguments, environment, config file).
 */
import assert from "node:assert/strict";
import { parseToken } from "../lib/local/d2.ts";
import { loadSettings } from "../lib/local/settings.ts";
import { alive, type FakeBin, fakeBin, pod } from "./support/fakes/fake_bin.ts";
import { DEFAULT_FILES, startFixtureServer } from "./support/local_server.ts";
import { RawServer, startServer } from "./mcp_client.ts";
import { BINARY_PERMISSIONS } from "./permissions.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const RUN = "--allow-run=kubectl,git,tilt";

/** A config file as a dev cluster with an HTTPS debug server and a token endpoint would have it. */
function tokenConfig(port: number) {
  return {
    port,
    scheme: "https",
    service_prefixes: ["be-", "pub-"],
    token: {
      source: "endpoint",
      method: "PUT",
      path: "/debug/token",
      request_headers: { "X-Profile": "true" },
      header: "X-Profile-Token",
    },
  };
}

interface Setup {
  fake: FakeBin;
  server: ReturnType<typeof startFixtureServer>;
  dir: string;
  config: string;
}

async function setup(o: Parameters<typeof startFixtureServer>[0] = {}, pods?: (target: string) => unknown[]) {
  const fake = await fakeBin(["kubectl"]);
  const server = startFixtureServer({
    tls: true,
    token: "3f9c0d5e",
    tokenRequestHeader: "X-Profile",
    tokenHeader: "X-Profile-Token",
    secondScale: 0.1,
    ...o,
  });
  const target = `127.0.0.1:${server.port}`;
  const list = pods?.(target) ?? [
    pod("be-innkeeper-d59886fd6-phwnd", "be-innkeeper", target),
    pod("pub-api-7c9d-xk2p", "pub-api", target),
  ];
  await Deno.writeTextFile(`${fake.state}/pods.json`, JSON.stringify(list));
  const dir = await Deno.makeTempDir();
  const config = `${dir}/local.json`;
  await Deno.writeTextFile(config, JSON.stringify(tokenConfig(4421)));
  return { fake, server, dir, config } satisfies Setup;
}

async function teardown(s: Setup) {
  await s.server.close();
  await s.fake.remove();
  await Deno.remove(s.dir, { recursive: true });
}

function serverFor(s: Setup, env: Record<string, string> = {}, permissions = [...BINARY_PERMISSIONS, RUN]) {
  return startServer({
    env: { PATH: s.fake.path, PPROF_MCP_LOCAL_CONFIG: s.config, ...env },
    permissions,
  });
}

/** Every port-forward the fake started has ended. */
function assertForwardsGone(fake: FakeBin, atLeast = 1) {
  const forwards = fake.forwards();
  assert.ok(forwards.length >= atLeast, `${forwards.length} port-forwards started`);
  for (const f of forwards) assert.equal(alive(f.pid), false, `port-forward pid ${f.pid} is still running`);
}

Deno.test("d2.profiles.download: pod by prefix, port-forward, token, six profiles with handles", async () => {
  const s = await setup();
  const c = await serverFor(s);
  try {
    const out = `${s.dir}/profiles`;
    const r = await c.callTool({
      name: "d2.profiles.download",
      arguments: { service: "innkeeper", out_dir: out, seconds: 2 },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const res = r.structuredContent.result;
    assert.equal(res.service, "innkeeper");
    assert.equal(res.namespace, "default");
    assert.equal(res.pod_name, "be-innkeeper-d59886fd6-phwnd");
    assert.equal(res.pod_ip, "10.1.45.23");
    assert.equal(res.warnings, undefined);
    assert.deepEqual(res.files.map((f: Json) => f.type), ["cpu", "heap", "goroutines", "mutex", "block", "allocs"]);
    const served: Record<string, string> = {
      cpu: DEFAULT_FILES.profile,
      heap: DEFAULT_FILES.heap,
      goroutines: DEFAULT_FILES.goroutine,
      mutex: DEFAULT_FILES.mutex,
      block: DEFAULT_FILES.block,
      allocs: DEFAULT_FILES.allocs,
    };
    const suffix: Record<string, string> = { goroutines: "goroutines" };
    for (const f of res.files) {
      assert.match(f.path, new RegExp(`^${out}/innkeeper_\\d{8}_\\d{6}_${suffix[f.type] ?? f.type}\\.pprof$`));
      assert.deepEqual(await Deno.readFile(f.path), await Deno.readFile(served[f.type]), f.type);
      assert.equal(f.bytes, (await Deno.stat(f.path)).size);
    }
    const [forward] = s.fake.forwards();
    assert.equal(
      r.structuredContent.command,
      `kubectl port-forward -n default --address 127.0.0.1 be-innkeeper-d59886fd6-phwnd ${forward.local}:4421`,
    );
    // kubectl was called with argument arrays: the exact lookup, the prefixed lookup, the port-forward.
    assert.deepEqual(s.fake.calls().map((x) => x.args), [
      ["get", "pods", "-n", "default", "-l", "app=innkeeper", "-o", "json"],
      ["get", "pods", "-n", "default", "-l", "app=be-innkeeper", "-o", "json"],
      [
        "port-forward",
        "-n",
        "default",
        "--address",
        "127.0.0.1",
        "be-innkeeper-d59886fd6-phwnd",
        `${forward.local}:4421`,
      ],
    ]);
    // The token was asked for with its header, then sent with every profile request.
    const [token, ...profiles] = s.server.requests;
    assert.deepEqual([token.method, token.path, token.headers["x-profile"]], ["PUT", "/debug/token", "true"]);
    assert.equal(profiles.length, 6);
    for (const p of profiles) assert.equal(p.headers["x-profile-token"], "3f9c0d5e", p.path);
    assert.equal(profiles[0].search, "?seconds=2");
    assertForwardsGone(s.fake);
    // The handles work in the other tools.
    const top = await c.callTool({ name: "pprof.top", arguments: { profile: res.files[0].handle } }) as Json;
    assert.equal(top.isError, false, top.content[0].text);
    assert.deepEqual(r.structuredContent.next_steps[0], {
      tool: "pprof.top",
      arguments: { profile: res.files[0].handle },
      why: "the hottest functions (cpu)",
    });
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("d2.profiles.download: fuzzy match, a failed profile is a warning, settings from arguments", async () => {
  const s = await setup({
    custom: (_req, url) =>
      url.pathname === "/debug/pprof/mutex" ? new Response("mutex trouble\n", { status: 500 }) : undefined,
  });
  const c = await serverFor(s);
  try {
    const r = await c.callTool({
      name: "d2.profiles.download",
      // "keeper" matches be-innkeeper's label by containment; the kinds argument picks three profiles.
      arguments: { service: "keeper", out_dir: s.dir, seconds: 1, kinds: ["cpu", "mutex", "heap"] },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const res = r.structuredContent.result;
    assert.equal(res.pod_name, "be-innkeeper-d59886fd6-phwnd");
    assert.deepEqual(res.files.map((f: Json) => f.type), ["cpu", "heap"]);
    assert.equal(res.warnings.length, 1);
    assert.match(
      res.warnings[0],
      /^Failed to download mutex profile: https:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/mutex: 500 Internal Server Error: mutex trouble$/,
    );
    const calls = s.fake.calls().map((x) => x.args);
    assert.deepEqual(calls.slice(0, 4).map((a) => a.join(" ")), [
      "get pods -n default -l app=keeper -o json",
      "get pods -n default -l app=be-keeper -o json",
      "get pods -n default -l app=pub-keeper -o json",
      "get pods -n default -o json",
    ]);
    assertForwardsGone(s.fake);
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("d2.profiles.download: failures stop the port-forward and say what failed", async () => {
  const s = await setup({
    custom: (_req, url) => url.pathname.startsWith("/debug/pprof/") ? new Response("x") : undefined,
  });
  const c = await serverFor(s);
  const call = async (args: Record<string, unknown>) => {
    const r = await c.callTool({ name: "d2.profiles.download", arguments: { out_dir: s.dir, seconds: 1, ...args } });
    assert.equal(r.isError, true, JSON.stringify(r.content));
    return (r.structuredContent as Json).error.message as string;
  };
  try {
    assert.match(
      await call({ service: "innkeeper" }),
      /^failed to download any profiles: Failed to download cpu profile: https:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/profile\?seconds=1: the answer is not a profile: /,
    );
    assertForwardsGone(s.fake, 1);
    assert.equal(
      await call({ service: "billing" }),
      'failed to find pod: no pods found matching service pattern "billing" (no running pod in namespace default ' +
        "has a app label that matches; 2 pods listed)",
    );
    assert.equal(await call({ service: "" }), "service is required");
    assert.match(await call({ service: "a/../b" }), /is not a label value/);
    await Deno.writeTextFile(`${s.fake.state}/forward_mode`, "exit");
    assert.match(
      await call({ service: "pub-api" }),
      /^kubectl port-forward -n default --address 127\.0\.0\.1 pub-api-7c9d-xk2p \d+:4421 exited: error: error upgrading connection: pods "pub-api-7c9d-xk2p" not found$/,
    );
    await Deno.writeTextFile(`${s.fake.state}/forward_mode`, "hang");
    await Deno.writeTextFile(s.config, JSON.stringify({ ...tokenConfig(4421), port_forward_timeout_seconds: 1 }));
    assert.match(
      await call({ service: "pub-api" }),
      /^timeout waiting for port-forward to be ready \(kubectl port-forward/,
    );
    await Deno.remove(`${s.fake.state}/forward_mode`);
    await Deno.writeTextFile(`${s.fake.state}/fail_get`, "The connection to the server localhost:8080 was refused");
    assert.equal(
      await call({ service: "pub-api" }),
      "failed to find pod: kubectl get pods -n default -o json failed: The connection to the server localhost:8080 " +
        "was refused",
    );
    await Deno.remove(`${s.fake.state}/fail_get`);
    await Deno.writeTextFile(s.config, JSON.stringify({ ...tokenConfig(4421), token: { source: "endpoint" } }));
    assert.match(
      await call({ service: "pub-api" }),
      /^failed to get token: PUT \/debug\/token: 403 Forbidden: forbidden$/,
    );
    assertForwardsGone(s.fake, 3);
    await Deno.writeTextFile(s.config, JSON.stringify({ port: "x" }));
    assert.match(await call({ service: "pub-api" }), /local\.json: port: must be an integer from 1 to 65535, not "x"$/);
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("profiles.download with d2=true: the dev-cluster download, mode d2, failures say so", async () => {
  const s = await setup();
  const c = await serverFor(s, { d2: "true" });
  try {
    const r = await c.callTool({
      name: "profiles.download",
      arguments: { service: "innkeeper", out_dir: `${s.dir}/routed`, seconds: 1 },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const o = r.structuredContent;
    assert.equal(o.mode, "d2");
    assert.match(
      o.command,
      /^kubectl port-forward -n default --address 127\.0\.0\.1 be-innkeeper-d59886fd6-phwnd \d+:4421 \(d2 mode\)$/,
    );
    assert.deepEqual(o.result.files.map((f: Json) => f.type), [
      "cpu",
      "heap",
      "goroutines",
      "mutex",
      "block",
      "allocs",
    ]);
    assert.match(r.content[0].text, /^cpu +\S+ {2}.*innkeeper_\d{8}_\d{6}_cpu\.pprof/m);
    assertForwardsGone(s.fake);
    const bad = await c.callTool({
      name: "profiles.download",
      arguments: { service: "billing", out_dir: s.dir },
    }) as Json;
    assert.equal(bad.isError, true);
    assert.match(
      bad.structuredContent.error.message,
      /^d2 download failed: failed to find pod: no pods found matching/,
    );
    const empty = await c.callTool({ name: "profiles.download", arguments: { service: " ", out_dir: s.dir } }) as Json;
    assert.equal(empty.structuredContent.error.message, "service is required");
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("d2.profiles.download: a cancel during the CPU capture stops the port-forward, writes nothing", async () => {
  const s = await setup({ secondScale: 1 });
  const server = new RawServer({
    env: { PATH: s.fake.path, PPROF_MCP_LOCAL_CONFIG: s.config },
    permissions: [...BINARY_PERMISSIONS, RUN],
  });
  try {
    await server.initialize();
    const id = await server.request("tools/call", {
      name: "d2.profiles.download",
      arguments: { service: "innkeeper", out_dir: s.dir + "/out", seconds: 120 },
      _meta: { progressToken: "d2" },
    });
    await server.waitFor((m) =>
      m.method === "notifications/progress" && /recording the cpu profile/.test(m.params.message ?? "")
    );
    await server.send({ method: "notifications/cancelled", params: { requestId: id, reason: "test" } });
    // The server goes on serving, and the port-forward ends soon after the cancel.
    const meta = await server.response(
      await server.request("tools/call", { name: "pprof.meta", arguments: { profile: DEFAULT_FILES.heap } }),
    );
    assert.equal(meta.result.isError, false);
    for (let i = 0; i < 100 && s.fake.forwards().some((f) => alive(f.pid)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assertForwardsGone(s.fake);
    assert.ok(s.server.requests.some((r) => r.path === "/debug/pprof/profile" && r.aborted), "the capture was cut");
    const written = [...Deno.readDirSync(s.dir + "/out")].map((e) => e.name);
    assert.deepEqual(written, []);
    const first = server.received.filter((m) => m.id === id);
    assert.ok(first.length === 0 || first[0].result?.structuredContent?.error?.code === "CANCELED");
  } finally {
    await server.close();
    await teardown(s);
  }
});

Deno.test("d2.profiles.download: a missing kubectl, and no permission to run it, say what to do", async () => {
  const s = await setup();
  const empty = await Deno.makeTempDir();
  try {
    const missing = await startServer({ env: { PATH: empty, PPROF_MCP_LOCAL_CONFIG: s.config }, permissions: ["-A"] });
    try {
      const r = await missing.callTool({ name: "d2.profiles.download", arguments: { service: "x", out_dir: s.dir } });
      assert.equal(
        (r.structuredContent as Json).error.message,
        "kubectl is not installed (not found on the PATH): install kubectl (https://kubernetes.io/docs/tasks/tools/) " +
          "and make sure it is on the PATH",
      );
    } finally {
      await missing.close();
    }
    const denied = await serverFor(s, {}, BINARY_PERMISSIONS);
    try {
      const r = await denied.callTool({ name: "d2.profiles.download", arguments: { service: "x", out_dir: s.dir } });
      assert.match(
        (r.structuredContent as Json).error.message,
        /^this pprof-mcp process may not run kubectl \(Deno's run permission\): start pprof-mcp with --allow-run=kubectl,git,tilt/,
      );
    } finally {
      await denied.close();
    }
  } finally {
    await Deno.remove(empty, { recursive: true });
    await teardown(s);
  }
});

Deno.test("d2.profiles.download in the confined worker: kubectl may run, out_dir stays in the base dir", async () => {
  const s = await setup();
  const base = await Deno.makeTempDir();
  const c = await serverFor(s, { PPROF_MCP_BASEDIR: base }, ["-A"]);
  try {
    const r = await c.callTool({
      name: "d2.profiles.download",
      arguments: { service: "pub-api", out_dir: "d2", seconds: 1, kinds: ["heap"] },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    assert.ok(r.structuredContent.result.files[0].path.startsWith(`${Deno.realPathSync(base)}/d2/pub-api_`));
    const outside = await c.callTool({
      name: "d2.profiles.download",
      arguments: { service: "pub-api", out_dir: s.dir, kinds: ["heap"] },
    }) as Json;
    assert.match(outside.structuredContent.error.message, /is outside base dir/);
    assertForwardsGone(s.fake);
  } finally {
    await c.close();
    await Deno.remove(base, { recursive: true });
    await teardown(s);
  }
});

Deno.test("settings: arguments over environment over the config file over defaults", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const d = loadSettings({}, () => undefined);
    assert.deepEqual(
      [d.cluster.namespace, d.cluster.label, d.cluster.port, d.cluster.scheme, d.cluster.token.source],
      ["default", "app", 6060, "http", "none"],
    );
    const file = `${dir}/c.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        namespace: "dev",
        port: 4421,
        context: "kind-dev",
        token: { source: "endpoint", header: "X-T" },
        tilt: { resources: { api: "be-api" }, poll_seconds: 0.5 },
      }),
    );
    const env: Record<string, string> = { PPROF_MCP_LOCAL_CONFIG: file, PPROF_MCP_K8S_PORT: "7070" };
    const s = loadSettings({ namespace: "qa" }, (n) => env[n]);
    assert.equal(s.configFile, file);
    assert.equal(s.cluster.namespace, "qa");
    assert.equal(s.cluster.port, 7070);
    assert.equal(s.cluster.context, "kind-dev");
    assert.deepEqual([s.cluster.token.source, s.cluster.token.header, s.cluster.token.prefix], ["endpoint", "X-T", ""]);
    assert.deepEqual(s.tilt.resources, { api: "be-api" });
    assert.equal(s.tilt.pollSeconds, 0.5);
    assert.equal(loadSettings({ port: 9000 }, (n) => env[n]).cluster.port, 9000);
    // A token in the environment is sent as a bearer token unless the file says otherwise.
    const t = loadSettings({}, (n) => ({ PPROF_MCP_PROFILE_TOKEN: "abc" } as Record<string, string>)[n]).cluster.token;
    assert.deepEqual([t.source, t.header, t.prefix], ["env", "Authorization", "Bearer "]);
    await Deno.writeTextFile(file, JSON.stringify({ nmespace: "x" }));
    assert.throws(() => loadSettings({}, (n) => env[n]), /c\.json: unknown setting "nmespace" \(known: namespace,/);
    await Deno.writeTextFile(file, "{");
    assert.throws(() => loadSettings({}, (n) => env[n]), /PPROF_MCP_LOCAL_CONFIG=.*c\.json: not JSON/);
    assert.throws(
      () => loadSettings({}, (n) => ({ PPROF_MCP_LOCAL_CONFIG: `${dir}/none.json` } as Record<string, string>)[n]),
      /cannot read the config file: no such file/,
    );
    assert.throws(() => loadSettings({ namespace: "Not_A_Namespace" }, () => undefined), /namespace: .* is not/);
    assert.throws(
      () => loadSettings({}, (n) => ({ PPROF_MCP_K8S_SCHEME: "ftp" } as Record<string, string>)[n]),
      /PPROF_MCP_K8S_SCHEME: must be "http" or "https"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseToken: the d2 answer, a bare token, JSON; empty is an error", () => {
  assert.equal(parseToken("token: 3f9c0d\n"), "3f9c0d");
  assert.equal(parseToken("  abc  "), "abc");
  assert.equal(parseToken('{"token": "xyz"}'), "xyz");
  assert.throws(() => parseToken("token:  \n"), /received empty token/);
  assert.throws(() => parseToken(""), /received empty token/);
});

Deno.test('d2.profiles.download: out_dir "" downloads into the active incident\'s profiles folder', async () => {
  const s = await setup();
  const home = await Deno.makeTempDir();
  // Another HOME must not move Deno's cache (the server's npm packages are there).
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  const denoDir = Deno.env.get("DENO_DIR") ?? JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
  try {
    const none = await serverFor(s, { HOME: home, DENO_DIR: denoDir });
    try {
      const r = await none.callTool({ name: "d2.profiles.download", arguments: { service: "pub-api", out_dir: "" } });
      assert.equal((r.structuredContent as Json).error.message, "out_dir is required (no incident context active)");
    } finally {
      await none.close();
    }
    await Deno.mkdir(`${home}/.c1-ops`);
    const incident = `${home}/incident`;
    await Deno.writeTextFile(
      `${home}/.c1-ops/incident-context.json`,
      JSON.stringify({
        id: "INC-42",
        description: "slow checkout",
        opened_at: "2026-11-30T10:00:00Z",
        base_dir: incident,
      }),
    );
    const c = await serverFor(s, { HOME: home, DENO_DIR: denoDir });
    try {
      const r = await c.callTool({
        name: "d2.profiles.download",
        arguments: { service: "pub-api", out_dir: "", kinds: ["heap"] },
      }) as Json;
      assert.equal(r.isError, false, r.content[0].text);
      assert.equal(r.structuredContent.incident_id, "INC-42");
      assert.ok(r.structuredContent.result.files[0].path.startsWith(`${incident}/profiles/pub-api_`));
    } finally {
      await c.close();
    }
    assertForwardsGone(s.fake);
  } finally {
    await Deno.remove(home, { recursive: true });
    await teardown(s);
  }
});
