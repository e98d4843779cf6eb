/**
 * The analyses' knowledge tables: every pattern is valid Go RE2 and matches
 * the function names it is meant for; the literal prefilter of stack
 * matching never changes a result; function names quoted as regexps match
 * exactly themselves; and which frames count as application code.
 */
import assert from "node:assert/strict";
import { firstAppFrame, isStdlib, packageOf } from "../lib/analysis/app_frames.ts";
import { LOCK_OWNERS, LOCK_PRIMITIVES, PRIMITIVE_ADVICE } from "../lib/analysis/contention_patterns.ts";
import { framesOf } from "../lib/analysis/frames.ts";
import { GOROUTINE_PRESETS } from "../lib/analysis/goroutine_presets.ts";
import { ALLOCATOR_INTERNALS, CODE_PATTERNS, MEMORY_GROUPS } from "../lib/analysis/memory_patterns.ts";
import { requiredLiterals, StackMatcher } from "../lib/analysis/stack_match.ts";
import { exactName, quoteMeta } from "../lib/regex/quote.ts";
import { WAIT_RULES } from "../lib/analysis/wait_reasons.ts";
import { WORKER_COUNTERS, WORKFLOW_STATES } from "../lib/analysis/worker_pool_patterns.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { compileRE2 } from "../lib/regex/re2.ts";
import { FIXTURES } from "./golden.ts";

/** Every pattern of every table, with the table it is in. */
function allPatterns(): [string, string][] {
  return [
    ...WAIT_RULES.map((r) => [`wait rule ${r.reason}`, r.pattern] as [string, string]),
    ...Object.entries(GOROUTINE_PRESETS).flatMap(([p, cs]) =>
      cs.map((c) => [`preset ${p}/${c.name}`, c.pattern] as [string, string])
    ),
    ...WORKER_COUNTERS.map((c) => [`counter ${c.name}`, c.pattern] as [string, string]),
    ...WORKFLOW_STATES.map((s) => [`workflow state ${s.state}`, s.pattern] as [string, string]),
    ...LOCK_PRIMITIVES.map((x) => [`primitive ${x.name}`, x.pattern] as [string, string]),
    ...LOCK_OWNERS.map((x) => [`owner ${x.name}`, x.pattern] as [string, string]),
    ...MEMORY_GROUPS.flatMap((g) => g.patterns.map((p) => [`memory group ${g.id}`, p] as [string, string])),
    ["allocator internals", ALLOCATOR_INTERNALS],
    ...CODE_PATTERNS.map((c) => [`code ${c.category}`, c.pattern] as [string, string]),
  ];
}

Deno.test("analysis tables: every pattern is a valid Go RE2 regexp", () => {
  const all = allPatterns();
  assert.ok(all.length > 100, `${all.length} patterns`);
  for (const [where, pattern] of all) {
    assert.doesNotThrow(() => compileRE2(pattern, where), `${where}: ${pattern}`);
  }
});

/** Function names (as Go 1.19-1.23 write them) each table entry must match. */
const EXAMPLES: Record<string, string[]> = {
  "chan receive": ["runtime.chanrecv1", "runtime.chanrecv2", "runtime.chanrecv"],
  "chan send": ["runtime.chansend1"],
  "select": ["runtime.selectgo"],
  "select (no cases)": ["runtime.block"],
  "mutex": ["sync.(*Mutex).Lock", "sync.(*Mutex).lockSlow", "sync.runtime_SemacquireMutex"],
  "rwmutex": ["sync.(*RWMutex).RLock", "sync.(*RWMutex).Lock", "sync.runtime_SemacquireRWMutexR"],
  "cond": ["sync.(*Cond).Wait", "sync.runtime_notifyListWait"],
  "waitgroup": ["sync.(*WaitGroup).Wait", "sync.runtime_SemacquireWaitGroup"],
  "network IO": ["internal/poll.runtime_pollWait", "runtime.netpollblock"],
  "sleep": ["time.Sleep"],
  "syscall": ["syscall.Syscall6", "syscall.RawSyscall", "runtime.cgocall", "golang.org/x/sys/unix.Syscall"],
  "GC/idle": ["runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge", "runtime.forcegchelper"],
  "signal wait": ["os/signal.signal_recv"],
  "runnable": ["runtime.Gosched"],
  "semaphore": ["runtime.semacquire1", "sync.runtime_Semacquire"],
  "parked": ["runtime.gopark", "runtime.goparkunlock"],
};

Deno.test("wait rules: each reason's rules match the blocking functions of that reason, and nothing else's", () => {
  const rules = WAIT_RULES.map((r) => ({ ...r, re: compileRE2(r.pattern) }));
  for (const r of rules) assert.ok(EXAMPLES[r.reason], `examples for ${r.reason}`);
  for (const [reason, names] of Object.entries(EXAMPLES)) {
    for (const name of names) {
      const hit = rules.find((r) => r.re.test(name));
      assert.equal(hit?.reason, reason, `${name}`);
    }
  }
  assert.equal(rules.find((r) => r.re.test("main.(*Mutex).Lock")), undefined, "an application Mutex is not sync's");
});

Deno.test("lock primitives and owners match the frames of real mutex and block profiles", () => {
  const primitive = (n: string) => LOCK_PRIMITIVES.find((x) => compileRE2(x.pattern).test(n));
  assert.deepEqual(
    ["sync.(*Mutex).Unlock", "sync.(*RWMutex).RUnlock", "runtime.unlock2"].map((n) => primitive(n)?.release),
    [true, true, true],
  );
  const cases: [string, string][] = [
    ["sync.(*Mutex).Lock", "sync.Mutex"],
    ["sync.(*RWMutex).RLock", "sync.RWMutex"],
    ["runtime.chansend1", "channel send"],
    ["runtime.chanrecv2", "channel receive"],
    ["runtime.selectgo", "select"],
    ["sync.(*WaitGroup).Wait", "sync.WaitGroup"],
    ["sync.(*Cond).Wait", "sync.Cond"],
    ["runtime.lock2", "runtime lock"],
    ["runtime.semacquire1", "semaphore"],
  ];
  for (const [n, want] of cases) assert.equal(primitive(n)?.name, want, n);
  for (const p of LOCK_PRIMITIVES) assert.ok(PRIMITIVE_ADVICE[p.name], `advice for ${p.name}`);
  const owner = (n: string) => LOCK_OWNERS.find((x) => compileRE2(x.pattern).test(n))?.name;
  const owners: [string, string][] = [
    ["database/sql.(*DB).conn", "database/sql connection pool"],
    ["github.com/jackc/puddle/v2.(*Pool).Acquire", "pgx connection pool"],
    ["github.com/jackc/pgx/v5/pgxpool.(*Pool).Acquire", "pgx connection pool"],
    ["github.com/redis/go-redis/v9/internal/pool.(*ConnPool).Get", "redis connection pool"],
    ["net/http.(*Transport).getConn", "net/http transport"],
    ["log.(*Logger).Output", "log.Logger"],
    ["log.Printf", "log.Logger"],
    ["go.uber.org/zap/zapcore.(*lockedWriteSyncer).Write", "zap writer"],
    ["sync.(*Map).Store", "sync.Map"],
    ["sync.(*Pool).pinSlow", "sync.Pool"],
    ["math/rand.(*lockedSource).Int63", "math/rand global source"],
    ["math/rand.Intn", "math/rand global source"],
    ["expvar.(*Map).Add", "expvar"],
    ["github.com/prometheus/client_golang/prometheus.(*MetricVec).GetMetricWithLabelValues", "prometheus client"],
    ["google.golang.org/grpc/internal/transport.(*controlBuffer).get", "gRPC transport"],
  ];
  for (const [n, want] of owners) assert.equal(owner(n), want, n);
  assert.equal(owner("math/rand.(*Rand).Intn"), undefined, "a private rand.Rand is not the global source");
});

Deno.test("memory groups match their libraries, and code patterns match the lines they describe", () => {
  const group = (n: string) => MEMORY_GROUPS.find((g) => g.patterns.some((p) => compileRE2(p).test(n)))?.id;
  const cases: [string, string | undefined][] = [
    ["modernc.org/sqlite/lib.Xsqlite3_step", "sqlite"],
    ["github.com/mattn/go-sqlite3._Cfunc_sqlite3_step", "sqlite"],
    ["github.com/glebarez/go-sqlite.(*conn).exec", "sqlite"],
    ["modernc.org/libc.(*TLS).Alloc", "libc_alloc"],
    ["modernc.org/libc.Xmalloc", "libc_alloc"],
    ["modernc.org/libc.Xmemcpy", "libc_ops"],
    ["modernc.org/libc.(*TLS).Free", "libc_ops"],
    ["compress/flate.NewWriter", "compression"],
    ["compress/gzip.(*Writer).Write", "compression"],
    ["github.com/klauspost/compress/zstd.(*Encoder).EncodeAll", "compression"],
    ["main._Cfunc_render", "cgo"],
    ["runtime.cgocall", "cgo"],
    ["main.argocd", undefined],
    ["main.(*cgoish).run", undefined],
  ];
  for (const [n, want] of cases) assert.equal(group(n), want, n);
  const code = (line: string) => CODE_PATTERNS.filter((c) => compileRE2(c.pattern).test(line)).map((c) => c.category);
  assert.deepEqual(code(`db.Exec("PRAGMA temp_store = MEMORY")`), ["SQLite"]);
  assert.deepEqual(code(`db.Exec("PRAGMA temp_store=2")`), ["SQLite"]);
  assert.deepEqual(code(`sql.Open("sqlite", "file:x.db?_pragma=temp_store(2)")`), ["SQLite"]);
  assert.deepEqual(code(`zw := gzip.NewWriter(&buf)`), ["Compression"]);
  assert.deepEqual(code(`enc, _ := zstd.NewWriter(nil)`), ["Compression"]);
  assert.deepEqual(code(`w, _ := flate.NewWriter(&buf, 6)`), ["Compression"]);
  assert.deepEqual(code(`zw.Reset(&buf)`), []);
});

Deno.test("presets name real frames: pointer receivers match (coroutineState).yield, persistConn).readLoop", () => {
  const find = (stack: string) =>
    Object.values(GOROUTINE_PRESETS).flat().find((c) => compileRE2(c.pattern).test(stack))?.name;
  assert.equal(
    find("runtime.gopark | runtime.chanrecv1 | go.temporal.io/sdk/internal.(*coroutineState).yield"),
    "temporal_workflow_cached",
  );
  assert.equal(find("runtime.gopark | runtime.selectgo | net/http.(*persistConn).readLoop"), "http_client");
  assert.equal(find("runtime.gopark | runtime.selectgo | database/sql.(*DB).conn | main.q"), "sql_connection");
  assert.equal(find("runtime.gopark | runtime.netpollblock | internal/poll.runtime_pollWait"), "network_io");
  assert.equal(find("runtime.gopark | runtime.gcBgMarkWorker"), "runtime_gc");
});

Deno.test("requiredLiterals: what every match must contain", () => {
  assert.deepEqual(requiredLiterals("activityTaskPoller.*(PollTask|doPoll)"), [
    { pieces: [["activityTaskPoller"], ["PollTask", "doPoll"]] },
  ]);
  // A finite set of literals: each one decides.
  assert.deepEqual(requiredLiterals("sync\\.\\(\\*(RW)?Mutex\\)"), [
    { pieces: [["sync.(*Mutex)"]], exact: "sync.(*Mutex)" },
    { pieces: [["sync.(*RWMutex)"]], exact: "sync.(*RWMutex)" },
  ]);
  assert.deepEqual(requiredLiterals("abcd?ef"), [{ pieces: [["abc"]] }], "an optional character is not required");
  assert.deepEqual(requiredLiterals("abc\\d+xyz"), [{ pieces: [["abc"], ["xyz"]] }]);
  assert.deepEqual(requiredLiterals("(?:foo|barbaz)qux"), [
    { pieces: [["fooqux"]], exact: "fooqux" },
    { pieces: [["barbazqux"]], exact: "barbazqux" },
  ]);
  assert.deepEqual(requiredLiterals("x(abc)?yz"), [
    { pieces: [["xyz"]], exact: "xyz" },
    { pieces: [["xabcyz"]], exact: "xabcyz" },
  ]);
  assert.equal(requiredLiterals("xy(abc)*z"), undefined, "nothing of 3+ characters is required");
  assert.equal(requiredLiterals("(?i)prometheus"), undefined, "case-insensitive: no prefilter");
  assert.equal(requiredLiterals("a|bcd"), undefined, "an alternative without a literal");
  assert.deepEqual(requiredLiterals("[abc]defg{2,3}"), [{ pieces: [["defg"]] }], "g{2,3} keeps one g");
  assert.deepEqual(requiredLiterals("a b c|defg"), undefined, "literals with spaces may span frames");
});

Deno.test("stack matching: the literal prefilter never changes a result, on every fixture stack", async () => {
  const patterns = [
    ...Object.values(GOROUTINE_PRESETS).flat(),
    ...WORKER_COUNTERS,
    { name: "cross-frame", pattern: "gopark.*main\\." },
    { name: "anchored", pattern: "^runtime\\.gopark \\| runtime\\.chanrecv" },
    { name: "case", pattern: "(?i)NOTIFIER" },
    { name: "spaces", pattern: "chanrecv1 \\| main" },
  ];
  const res = patterns.map((p) => compileRE2(p.pattern));
  const files = [
    "profiles/goroutine.pb.gz",
    "profiles/block.pb.gz",
    "profiles/cpu.pb.gz",
    "profiles_analysis/leakzoo_goroutine.pb.gz",
    "profiles_analysis/workerpool_goroutine.pb.gz",
    "profiles_analysis/lockzoo_block.pb.gz",
    "profiles_analysis/memzoo_goroutine.pb.gz",
  ];
  let matched = 0;
  for (const file of files) {
    const p = await loadProfile(FIXTURES + file);
    const fr = framesOf(p);
    const m = new StackMatcher(fr, patterns);
    for (let s = 0; s < p.sampleCount; s++) {
      const joined = m.joined(s);
      const want = res.map((re, i) => (re.test(joined) ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(m.match(s), want, `${file} sample ${s}: ${joined}`);
      assert.deepEqual(m.match(s, true), want.slice(0, 1));
      matched += want.length;
    }
  }
  assert.ok(matched > 200, `${matched} matches checked`);
});

Deno.test("quoteMeta: a function name as a regexp matches exactly that name", () => {
  const names = [
    "main.(*upstreamFetcher).fetchWithTimeout.func1",
    "github.com/acme/x.Map[...]",
    "a.b+c*d?e{1}f|g^h$i\\j",
    "std::vector<int>::push_back",
  ];
  for (const n of names) {
    const re = compileRE2(exactName(n));
    assert.ok(re.test(n), n);
    assert.ok(!re.test(n + "x") && !re.test("x" + n), n);
    assert.ok(compileRE2(quoteMeta(n)).test(`prefix ${n} suffix`));
  }
  assert.equal(quoteMeta("a.b"), "a\\.b");
});

Deno.test("application code: package paths, the standard library, and the first application frame", () => {
  assert.equal(packageOf("github.com/x/y.(*T).M"), "github.com/x/y");
  assert.equal(packageOf("main.f"), "main");
  assert.equal(packageOf("github.com/x/y.F[go.shape.*github.com/z.T]"), "github.com/x/y");
  assert.ok(isStdlib("net/http.(*conn).serve") && isStdlib("runtime.gopark") && isStdlib("internal/poll.(*FD).Read"));
  assert.ok(!isStdlib("main.main") && !isStdlib("gen/internal/transform.normalizeValue"));
  const stack = [
    "runtime.gopark",
    "runtime.selectgo",
    "go.temporal.io/sdk/internal.(*coroutineState).yield",
    "main.OrderWorkflow",
  ];
  assert.equal(firstAppFrame(stack, { prefixes: [] }), 3, "libraries are not the application");
  assert.equal(firstAppFrame(stack, { prefixes: ["go.temporal.io/"] }), 2, "unless the caller says so");
  assert.equal(firstAppFrame(stack.slice(0, 3), { prefixes: [] }), 2, "only a library: its first frame");
  assert.equal(firstAppFrame(stack.slice(0, 2), { prefixes: [] }), -1);
  assert.equal(firstAppFrame(stack, { prefixes: ["github.com/acme/"] }), -1);
});
