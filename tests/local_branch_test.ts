/**
 * Branch impact end to end, in a temporary git repository with two commits (main and a feature branch that makes
 * the service's main.scoreTerms do 60% more work): a real MCP server runs in the repository with a fake kubectl and
 * a fake tilt first on its PATH; a real HTTP server of the test serves the benchgate CPU runs of the variant the
 * checked-out code names. The tests check the comparison and its noise band, that the work tree is back on its branch
 * with the same uncommitted changes (staged, unstaged, untracked) after success, a failed download, a rebuild
 * timeout and a cancel, and that no port-forward process survives.
 */
import assert from "node:assert/strict";
import { estimateText } from "../lib/local/branch_impact.ts";
import { goDuration, rebuildOf } from "../lib/local/tilt.ts";
import { alive, type FakeBin, fakeBin, pod } from "./support/fakes/fake_bin.ts";
import { FIXTURES } from "./golden.ts";
import { DEFAULT_FILES, startFixtureServer } from "./support/local_server.ts";
import { RawServer, startServer } from "./mcp_client.ts";
import { BINARY_PERMISSIONS } from "./permissions.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const PERMISSIONS = [...BINARY_PERMISSIONS, "--allow-run=kubectl,git,tilt"];

async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

/** A repository: main says variant base, feature says variant large; feature checked out, with local changes. */
async function makeRepo(): Promise<string> {
  const repo = await Deno.makeTempDir({ prefix: "pprof-mcp-repo-" });
  await git(repo, "init", "-q", "-b", "main");
  await Deno.writeTextFile(`${repo}/variant.txt`, "base\n");
  await Deno.writeTextFile(`${repo}/score.go`, "package main\n\nconst rounds = 10\n");
  await git(repo, "add", ".");
  await git(repo, "commit", "-q", "-m", "base");
  await git(repo, "checkout", "-q", "-b", "feature");
  await Deno.writeTextFile(`${repo}/variant.txt`, "large\n");
  await Deno.writeTextFile(`${repo}/score.go`, "package main\n\nconst rounds = 16\n");
  await git(repo, "commit", "-q", "-am", "more rounds");
  // Uncommitted work: a staged new file, an unstaged change, an untracked file.
  await Deno.writeTextFile(`${repo}/staged.go`, "package main\n// staged\n");
  await git(repo, "add", "staged.go");
  await Deno.writeTextFile(`${repo}/score.go`, "package main\n\nconst rounds = 17 // trying\n");
  await Deno.writeTextFile(`${repo}/notes.txt`, "untracked notes\n");
  return repo;
}

/** Everything about the work tree a run must leave as it found it. */
async function treeState(repo: string) {
  const files: Record<string, string> = {};
  for (const f of ["variant.txt", "score.go", "staged.go", "notes.txt"]) {
    try {
      files[f] = await Deno.readTextFile(`${repo}/${f}`);
    } catch {
      files[f] = "(missing)";
    }
  }
  return {
    branch: (await git(repo, "branch", "--show-current")).trim(),
    head: (await git(repo, "rev-parse", "HEAD")).trim(),
    status: await git(repo, "status", "--porcelain"),
    staged: await git(repo, "diff", "--cached", "--name-only"),
    stashes: await git(repo, "stash", "list"),
    files,
  };
}

interface Setup {
  repo: string;
  fake: FakeBin;
  server: ReturnType<typeof startFixtureServer>;
  out: string;
  config: string;
  /** Which variant each CPU request saw. */
  served: string[];
}

async function setup(o: { failVariant?: string; mode?: string } = {}): Promise<Setup> {
  const repo = await makeRepo();
  const fake = await fakeBin(["kubectl", "tilt"]);
  const runs: Record<string, number> = {};
  const served: string[] = [];
  const server = startFixtureServer({
    secondScale: 0.05,
    file: (name) => {
      const variant = Deno.readTextFileSync(`${repo}/variant.txt`).trim();
      if (variant === o.failVariant) return undefined;
      if (name !== "profile") return DEFAULT_FILES[name];
      served.push(variant);
      runs[variant] = (runs[variant] ?? 0) % 5 + 1;
      return `${FIXTURES}profiles_gate/${variant}_${runs[variant]}.pb.gz`;
    },
  });
  await Deno.writeTextFile(
    `${fake.state}/pods.json`,
    JSON.stringify([pod("be-ratelimit-5f6d7-x2x", "be-ratelimit", `127.0.0.1:${server.port}`)]),
  );
  await Deno.writeTextFile(`${fake.state}/tilt_resources.json`, JSON.stringify(["be-ratelimit", "frontend"]));
  await Deno.writeTextFile(`${fake.state}/tilt_mode`, o.mode ?? "restart");
  const out = await Deno.makeTempDir({ prefix: "pprof-mcp-impact-" });
  const config = `${out}/local.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({ service_prefixes: ["be-"], tilt: { initial_delay_seconds: 0.2, poll_seconds: 0.2 } }),
  );
  return { repo, fake, server, out, config, served };
}

async function teardown(s: Setup) {
  await s.server.close();
  await s.fake.remove();
  await Deno.remove(s.repo, { recursive: true });
  await Deno.remove(s.out, { recursive: true });
}

function serverEnv(s: Setup, extra: Record<string, string> = {}) {
  return { PATH: s.fake.path, PPROF_MCP_LOCAL_CONFIG: s.config, ...extra };
}

function assertForwardsGone(fake: FakeBin, atLeast: number) {
  const forwards = fake.forwards();
  assert.ok(forwards.length >= atLeast, `${forwards.length} port-forwards started`);
  for (const f of forwards) assert.equal(alive(f.pid), false, `port-forward pid ${f.pid} is still running`);
}

const args = (s: Setup, extra: Record<string, unknown> = {}) => ({
  service: "ratelimit",
  out_dir: `${s.out}/impact`,
  seconds: 1,
  rebuild_timeout: 10,
  warmup_delay: 0,
  ...extra,
});

Deno.test("pprof.branch_impact: three captures a side, the change beyond the noise, the work tree restored", async () => {
  const s = await setup();
  const before = await treeState(s.repo);
  const c = await startServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
  try {
    const r = await c.callTool({ name: "pprof.branch_impact", arguments: args(s, { captures: 3 }) }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    const o = r.structuredContent;
    assert.deepEqual(await treeState(s.repo), before, "the work tree is as it was");
    assert.equal(o.before_ref, "main");
    assert.equal(o.after_ref, "feature");
    assert.equal(o.before_commit, (await git(s.repo, "rev-parse", "main")).trim());
    assert.equal(o.after_commit, (await git(s.repo, "rev-parse", "feature")).trim());
    assert.equal(o.repo, Deno.realPathSync(s.repo));
    assert.equal(o.update_method, "pod_restart");
    assert.equal(o.git_stashed, true);
    assert.equal(o.warnings, undefined, JSON.stringify(o.warnings));
    // Each side was profiled on its own code: three base runs, then three large runs.
    assert.deepEqual(s.served, ["base", "base", "base", "large", "large", "large"]);
    for (const [side, dir] of [["before_profiles", "before"], ["after_profiles", "after"]]) {
      const files = o[side].files;
      assert.equal(files.length, 18, side);
      assert.deepEqual([...new Set(files.map((f: Json) => f.capture))], [1, 2, 3]);
      for (const f of files) {
        assert.match(f.path, new RegExp(`/impact/${dir}/${f.capture}/ratelimit_\\d{8}_\\d{6}_`), f.path);
      }
      assert.equal(o[side].pod_name, "be-ratelimit-5f6d7-x2x");
    }
    const cpu = o.comparison.find((k: Json) => k.type === "cpu");
    assert.equal(cpu.noise.method, "welch_t");
    assert.deepEqual(cpu.captures, { before: 3, after: 3 });
    // main.scoreTerms does 60% more work, in math.log1p, which it calls: by flat, log1p moved most, beyond the
    // noise of three runs; scoreTerms' own samples did not move beyond it, its cum did (as regression-check says).
    assert.equal(cpu.by, "flat");
    assert.equal(cpu.functions[0].function, "math.log1p", "the largest mover comes first");
    const log1p = cpu.functions[0].flat;
    assert.equal(log1p.verdict, "beyond_noise");
    assert.ok(log1p.share_delta > 5 && log1p.noise_band < log1p.share_delta, JSON.stringify(log1p));
    assert.ok(log1p.delta > 0 && log1p.delta_pct > 30, log1p.delta_text);
    const score = cpu.functions.find((f: Json) => f.function === "main.scoreTerms");
    assert.ok(score, JSON.stringify(cpu.functions.map((f: Json) => f.function)));
    assert.equal(score.flat.verdict, "within_noise");
    assert.equal(score.cum.verdict, "beyond_noise");
    assert.ok(score.cum.share_delta > 10, `scoreTerms cum moved ${score.cum.share_delta}pp`);
    assert.match(cpu.diff_top.join("\n"), /math\.log1p/);
    assert.match(cpu.diff_command, /^pprof-mcp top --diff_base=.*\/before\/1\//);
    // The other kinds were the same profile on both sides: nothing moved.
    const heap = o.comparison.find((k: Json) => k.type === "heap");
    assert.deepEqual(heap.functions, []);
    assert.equal(o.findings[0].evidence.function, "math.log1p");
    assert.equal(o.findings[0].severity, "high");
    assert.equal(o.findings[0].next_step.tool, "pprof.diff_top");
    const diff = await c.callTool({ name: "pprof.diff_top", arguments: o.findings[0].next_step.arguments }) as Json;
    assert.equal(diff.isError, false, diff.content[0].text);
    // git and tilt ran in the repository; kubectl port-forwards are all gone.
    const calls = s.fake.calls();
    assert.ok(calls.filter((x) => x.args[0] === "tilt").every((x) => x.cwd === Deno.realPathSync(s.repo)));
    assertForwardsGone(s.fake, 6);
    assert.ok(JSON.stringify(r).length < 100_000, `${JSON.stringify(r).length} bytes`);
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("pprof.branch_impact: a failed second download and a rebuild timeout restore the work tree", async (t) => {
  await t.step("the after side's downloads fail", async () => {
    const s = await setup({ failVariant: "large", mode: "recreate" });
    const before = await treeState(s.repo);
    const c = await startServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
    try {
      const r = await c.callTool({ name: "pprof.branch_impact", arguments: args(s) }) as Json;
      assert.equal(r.isError, true);
      assert.match(
        r.structuredContent.error.message,
        /^failed to download any profiles: Failed to download cpu profile: /,
      );
      assert.deepEqual(await treeState(s.repo), before);
      assertForwardsGone(s.fake, 2);
    } finally {
      await c.close();
      await teardown(s);
    }
  });
  await t.step("Tilt never rebuilds the after ref", async () => {
    const s = await setup({ mode: "never" });
    const before = await treeState(s.repo);
    const c = await startServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
    try {
      const r = await c.callTool({ name: "pprof.branch_impact", arguments: args(s) }) as Json;
      assert.equal(r.isError, true);
      assert.equal(
        r.structuredContent.error.message,
        "failed waiting for rebuild: timeout waiting for rebuild after 10s",
      );
      assert.deepEqual(await treeState(s.repo), before);
      // The before side was downloaded (its wait timing out was only a warning).
      assert.deepEqual(s.served, ["base"]);
      assertForwardsGone(s.fake, 1);
    } finally {
      await c.close();
      await teardown(s);
    }
  });
});

Deno.test("pprof.branch_impact: a cancel in the middle stops the port-forward and restores the work tree", async () => {
  const s = await setup({ mode: "live_update" });
  const before = await treeState(s.repo);
  const server = new RawServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
  try {
    await server.initialize();
    const id = await server.request("tools/call", {
      name: "pprof.branch_impact",
      // A long CPU capture on the after side, cancelled while it records.
      arguments: args(s, { seconds: 200 }),
      _meta: { progressToken: "impact" },
    });
    await server.waitFor((m) =>
      m.method === "notifications/progress" && /^after: recording the cpu profile/.test(m.params.message ?? "")
    );
    // A second run in the same work tree meanwhile is refused.
    const second = await server.response(
      await server.request("tools/call", { name: "pprof.branch_impact", arguments: args(s) }),
    );
    assert.match(second.result.structuredContent.error.message, /^a branch-impact run is already changing /);
    await server.send({ method: "notifications/cancelled", params: { requestId: id, reason: "test" } });
    // The server still answers, and the work tree comes back.
    for (let i = 0; i < 100; i++) {
      const now = await treeState(s.repo);
      if (now.branch === before.branch && now.stashes === "") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const meta = await server.response(
      await server.request("tools/call", { name: "pprof.meta", arguments: { profile: DEFAULT_FILES.heap } }),
    );
    assert.equal(meta.result.isError, false);
    assert.deepEqual(await treeState(s.repo), before);
    assert.deepEqual(s.served, ["base", "large"]);
    assertForwardsGone(s.fake, 2);
    const answer = server.received.filter((m) => m.id === id);
    assert.ok(answer.length === 0 || answer[0].result?.structuredContent?.error?.code === "CANCELED");
  } finally {
    await server.close();
    await teardown(s);
  }
});

Deno.test("pprof.branch_impact.plan and .execute: a read-only plan, run once by id", async () => {
  const s = await setup({ mode: "live_update" });
  const before = await treeState(s.repo);
  const c = await startServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
  try {
    const p = await c.callTool({
      name: "pprof.branch_impact.plan",
      arguments: { service: "ratelimit", out_dir: `${s.out}/planned`, seconds: 1, warmup_delay: 15 },
    }) as Json;
    assert.equal(p.isError, false, p.content[0].text);
    const plan = p.structuredContent;
    assert.match(plan.id, /^[0-9a-f]{16}$/);
    assert.deepEqual(plan.steps, [
      "Stash uncommitted changes",
      "Switch to main branch",
      "Wait for Tilt rebuild (timeout: 5m0s)",
      "Wait 15s for service warmup",
      "Profile ratelimit service for 1 seconds",
      "Switch to feature branch",
      "Wait for Tilt rebuild (timeout: 5m0s)",
      "Wait 15s for service warmup",
      "Profile ratelimit service for 1 seconds",
      "Compare profiles",
      "Switch back to feature branch",
      "Restore stashed changes",
    ]);
    // 2·1 + 2·15 + 2·300 + 30 = 662 s.
    assert.equal(plan.estimated_time, "~11 minutes");
    assert.deepEqual(
      [plan.current_branch, plan.has_uncommitted, plan.before_ref, plan.after_ref],
      ["feature", true, "main", "feature"],
    );
    assert.deepEqual(await treeState(s.repo), before, "planning changes nothing");
    assert.equal(s.fake.calls().length, 0, "planning runs neither kubectl nor tilt");
    const bad = await c.callTool({
      name: "pprof.branch_impact.plan",
      arguments: { service: "ratelimit", out_dir: s.out, before_ref: "mian" },
    }) as Json;
    assert.match(bad.structuredContent.error.message, /^before_ref "mian" is not a commit of the repository in /);
    // The execution waits 15 s of warm-up per side: a shorter plan runs it.
    const quick = await c.callTool({
      name: "pprof.branch_impact.plan",
      arguments: args(s, { out_dir: `${s.out}/planned` }),
    }) as Json;
    const r = await c.callTool({
      name: "pprof.branch_impact.execute",
      arguments: { plan_id: quick.structuredContent.id },
    }) as Json;
    assert.equal(r.isError, false, r.content[0].text);
    assert.equal(r.structuredContent.update_method, "live_update");
    assert.equal(r.structuredContent.comparison[0].noise.method, "none");
    assert.match(r.structuredContent.comparison[0].noise.note, /no noise band/);
    assert.ok(r.structuredContent.comparison[0].functions.every((f: Json) => f.flat.verdict === "no_noise_band"));
    assert.deepEqual(await treeState(s.repo), before);
    const again = await c.callTool({
      name: "pprof.branch_impact.execute",
      arguments: { plan_id: quick.structuredContent.id },
    }) as Json;
    assert.equal(again.structuredContent.error.message, `plan ${quick.structuredContent.id} not found or expired`);
    assertForwardsGone(s.fake, 2);
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("pprof.branch_impact: checks before it changes anything; the same ref twice measures noise", async () => {
  const s = await setup();
  const before = await treeState(s.repo);
  const c = await startServer({ env: serverEnv(s), permissions: PERMISSIONS, cwd: s.repo });
  try {
    const unknown = await c.callTool({
      name: "pprof.branch_impact",
      arguments: args(s, { service: "billing" }),
    }) as Json;
    assert.match(
      unknown.structuredContent.error.message,
      /^no Tilt resource matches service "billing" \(tilt get kubernetesdiscovery lists be-ratelimit, frontend\)/,
    );
    const ref = await c.callTool({ name: "pprof.branch_impact", arguments: args(s, { after_ref: "nope" }) }) as Json;
    assert.match(ref.structuredContent.error.message, /^after_ref "nope" is not a commit/);
    const notRepo = await c.callTool({ name: "pprof.branch_impact", arguments: args(s, { repo_dir: s.out }) }) as Json;
    assert.match(notRepo.structuredContent.error.message, /is not in a git work tree/);
    assert.deepEqual(await treeState(s.repo), before, "nothing changed");
    assert.equal(s.fake.forwards().length, 0);
    const same = await c.callTool({
      name: "pprof.branch_impact",
      arguments: args(s, { before_ref: "main", after_ref: "main", captures: 2, kinds: ["cpu"] }),
    }) as Json;
    assert.equal(same.isError, false, same.content[0].text);
    assert.equal(same.structuredContent.update_method, "none");
    assert.match(same.structuredContent.notes.join("\n"), /same commit: the comparison shows run-to-run noise only/);
    const cpu = same.structuredContent.comparison[0];
    assert.ok(cpu.functions.every((f: Json) => f.flat.verdict !== "beyond_noise"), JSON.stringify(cpu.functions));
    assert.deepEqual(await treeState(s.repo), before);
    assertForwardsGone(s.fake, 4);
  } finally {
    await c.close();
    await teardown(s);
  }
});

Deno.test("branch impact helpers: Go durations, estimates, what counts as a rebuild", () => {
  assert.deepEqual([0, 15, 300, 3600, 3725].map(goDuration), ["0s", "15s", "5m0s", "1h0m0s", "1h2m5s"]);
  assert.equal(estimateText(720), "~12 minutes");
  assert.equal(estimateText(3660), "~1 hours 1 minutes");
  assert.equal(estimateText(3600), "~60 minutes");
  const s = { pod: "p1", startedAt: "2026-01-01T00:00:00Z", lastSync: "" };
  assert.equal(rebuildOf(s, s), undefined);
  assert.equal(rebuildOf(s, { ...s, pod: "p2" }), "pod_recreate");
  assert.equal(rebuildOf(s, { ...s, startedAt: "2026-01-01T00:01:00Z" }), "pod_restart");
  assert.equal(rebuildOf(s, { ...s, lastSync: "2026-01-01T00:02:00Z" }), "live_update");
  const synced = { ...s, lastSync: "2026-01-01T00:02:00Z" };
  assert.equal(rebuildOf(synced, { ...synced, lastSync: "2026-01-01T00:01:00Z" }), undefined);
  assert.equal(rebuildOf(s, { pod: "", startedAt: "", lastSync: "" }), undefined);
});

Deno.test("pprof.branch_impact.plan in the confined worker: git may run, the work tree must be in the base dir", async () => {
  const s = await setup();
  const c = await startServer({ env: serverEnv(s, { PPROF_MCP_BASEDIR: s.repo }), permissions: ["-A"], cwd: s.repo });
  try {
    const p = await c.callTool({ name: "pprof.branch_impact.plan", arguments: args(s, { out_dir: "impact" }) }) as Json;
    assert.equal(p.isError, false, p.content[0].text);
    assert.equal(p.structuredContent.repo, Deno.realPathSync(s.repo));
    const outside = await c.callTool({
      name: "pprof.branch_impact.plan",
      arguments: args(s, { out_dir: "impact", repo_dir: s.out }),
    }) as Json;
    assert.match(outside.structuredContent.error.message, /is outside base dir/);
  } finally {
    await c.close();
  }
  // Started elsewhere, the confined server cannot even read its working directory: repo_dir is needed.
  const elsewhere = await startServer({
    env: serverEnv(s, { PPROF_MCP_BASEDIR: s.repo }),
    permissions: ["-A"],
    cwd: s.out,
  });
  try {
    const p = await elsewhere.callTool({
      name: "pprof.branch_impact.plan",
      arguments: args(s, { out_dir: "impact" }),
    }) as Json;
    assert.match(
      p.structuredContent.error.message,
      /^the server's working directory \S+ is outside base dir .*: give repo_dir/,
    );
    const given = await elsewhere.callTool({
      name: "pprof.branch_impact.plan",
      arguments: args(s, { out_dir: "impact", repo_dir: "." }),
    }) as Json;
    assert.equal(given.isError, false, given.content[0].text);
  } finally {
    await elsewhere.close();
    await teardown(s);
  }
});
