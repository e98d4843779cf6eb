/**
 * The analyses' knowledge is data: every pattern of the overhead categories, known issues and fix templates is a
 * valid Go RE2 regexp that matches the names it is written for; the name helpers read Go and npm names right.
 */
import assert from "node:assert/strict";
import {
  goPackage,
  guessModule,
  hasPathPrefix,
  isGoStdlib,
  jsOrigin,
  longestModule,
} from "../lib/analysis/code_names.ts";
import { FIX_TEMPLATES } from "../lib/analysis/fix_templates.ts";
import { KNOWN_ISSUES } from "../lib/analysis/known_issues.ts";
import { OVERHEAD_CATEGORIES } from "../lib/analysis/overhead_categories.ts";
import { exactName, quoteMeta } from "../lib/regex/quote.ts";
import { parseGoMod } from "../lib/analysis/repo_files.ts";
import { compileRE2 } from "../lib/regex/re2.ts";

Deno.test("knowledge: every pattern is valid RE2", () => {
  const patterns = [
    ...OVERHEAD_CATEGORIES.flatMap((c) => [...c.functions, ...c.files].map((p) => [c.name, p])),
    ...KNOWN_ISSUES.flatMap((k) => k.issues.map((i) => [k.package, i.pattern])),
    ...FIX_TEMPLATES.flatMap((t) => t.detection.map((p) => [t.fix_id, p])),
  ];
  assert.ok(patterns.length > 80);
  for (const [owner, p] of patterns) assert.doesNotThrow(() => compileRE2(p), `${owner}: ${p}`);
});

/** Names each category must claim (a frame's category is the first whose patterns match it). */
const CLAIMS: [string, string, string][] = [
  ["Runtime/GC", "runtime.mallocgc", ""],
  ["Runtime/GC", "runtime.gcBgMarkWorker", ""],
  ["Runtime/GC", "Garbage Collection", ""],
  ["OpenTelemetry Tracing", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End", ""],
  [
    "OpenTelemetry Tracing",
    "startActiveSpan",
    "/srv/app/node_modules/@opentelemetry/sdk-trace-base/build/src/Tracer.js",
  ],
  ["OpenTelemetry Metrics", "go.opentelemetry.io/otel/sdk/metric.(*int64Inst).Add", ""],
  ["Tracing (in-house)", "main.(*tracer).finish", ""],
  ["Logging (zap)", "go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry", ""],
  ["Logging (logrus)", "github.com/sirupsen/logrus.(*Entry).log", ""],
  ["Logging (slog/log)", "log.(*Logger).Output", ""],
  ["Logging (slog/log)", "log/slog.(*Logger).log", ""],
  ["Logging (pino)", "asJson", "/app/node_modules/pino/lib/tools.js"],
  ["Logging (winston)", "transform", "/app/node_modules/logform/json.js"],
  ["Logging (in-house)", "main.(*logger).info", ""],
  ["Prometheus Metrics", "github.com/prometheus/client_golang/prometheus.(*histogram).Observe", ""],
  ["Metrics (in-house)", "main.(*histogram).percentiles", ""],
  ["gRPC Framework", "google.golang.org/grpc.(*Server).handleStream", ""],
  ["Protobuf Serialization", "google.golang.org/protobuf/encoding/protojson.MarshalOptions.Marshal", ""],
  ["JSON Serialization", "encoding/json.Marshal", ""],
  ["JSON Serialization", "stringify", "/app/node_modules/safe-stable-stringify/index.js"],
  ["Regular Expressions", "regexp.(*Regexp).tryBacktrack", ""],
  ["Regular Expressions", "RegExp: ^\\d+$", ""],
  ["HTTP Framework", "net/http.(*conn).serve", ""],
  ["Context Operations", "context.WithValue", ""],
  ["Compression", "compress/flate.(*compressor).deflate", ""],
  ["Crypto/TLS", "crypto/sha256.block", ""],
];

Deno.test("knowledge: each category claims its library's frames and nothing earlier steals them", () => {
  const compiled = OVERHEAD_CATEGORIES.map((c) => ({
    name: c.name,
    fn: c.functions.map((p) => compileRE2(p)),
    file: c.files.map((p) => compileRE2(p)),
  }));
  const first = (name: string, file: string) =>
    compiled.find((c) => c.fn.some((r) => r.test(name)) || (file !== "" && c.file.some((r) => r.test(file))))?.name;
  for (const [want, name, file] of CLAIMS) assert.equal(first(name, file), want, `${name} ${file}`);
  // Generic in-house patterns do not swallow the runtime's own types or ordinary code.
  for (const name of ["runtime.(*mspan).nextFreeIndex", "main.(*cartService).handleCheckout", "sort.pdqsort"]) {
    assert.notEqual(first(name, "")?.endsWith("(in-house)"), true, name);
  }
});

Deno.test("knowledge: known issues match the functions they describe (database/sql's pattern is valid RE2 now)", () => {
  const issue = (pkg: string) => KNOWN_ISSUES.find((k) => k.package === pkg)!.issues;
  assert.ok(compileRE2(issue("database/sql")[0].pattern).test("database/sql.(*DB).QueryContext"));
  assert.ok(
    compileRE2(issue("google.golang.org/protobuf")[0].pattern).test(
      "google.golang.org/protobuf/encoding/protojson.Marshal",
    ),
  );
  assert.ok(compileRE2(issue("regexp")[0].pattern).test("regexp.MustCompile"));
  for (const k of KNOWN_ISSUES) {
    assert.ok(k.issues.length > 0 && k.issues.every((i) => i.issue && i.recommendation), k.package);
  }
});

Deno.test("names: Go packages and modules keep their package segment; npm packages from node_modules paths", () => {
  assert.equal(goPackage("github.com/foo/bar.Func"), "github.com/foo/bar");
  assert.equal(goPackage("github.com/acme/shop/cart.(*Cart).Add"), "github.com/acme/shop/cart");
  assert.equal(goPackage("gopkg.in/yaml.v3.(*decoder).unmarshal"), "gopkg.in/yaml.v3");
  assert.equal(goPackage("main.main"), "main");
  assert.equal(goPackage("github.com/acme/x/internal/xstrings.Map[...]"), "github.com/acme/x/internal/xstrings");
  assert.equal(goPackage("priceLineItems"), "");
  assert.equal(guessModule("github.com/foo/bar"), "github.com/foo/bar");
  assert.equal(guessModule("github.com/foo/bar/v2/baz"), "github.com/foo/bar/v2");
  assert.equal(guessModule("go.uber.org/zap/zapcore"), "go.uber.org/zap");
  assert.equal(guessModule("golang.org/x/net/http2"), "golang.org/x/net");
  assert.equal(guessModule("gen/internal/transform"), "gen");
  assert.equal(guessModule("encoding/json"), "std");
  assert.ok(isGoStdlib("runtime") && isGoStdlib("vendor/golang.org/x/net/http2/hpack") && !isGoStdlib("gen/internal"));
  assert.equal(
    longestModule("go.opentelemetry.io/otel/sdk/trace", ["go.opentelemetry.io/otel", "go.opentelemetry.io/otel/sdk"]),
    "go.opentelemetry.io/otel/sdk",
  );
  assert.ok(hasPathPrefix("github.com/acme/shop/cart.F", "github.com/acme/shop"));
  assert.ok(!hasPathPrefix("github.com/acmecorp/x.F", "github.com/acme"));
  assert.deepEqual(jsOrigin("/srv/app/node_modules/@grpc/grpc-js/build/src/server.js"), {
    kind: "npm",
    package: "@grpc/grpc-js",
  });
  assert.deepEqual(jsOrigin("node:internal/timers"), { kind: "node" });
  assert.deepEqual(jsOrigin(""), { kind: "native" });
  assert.deepEqual(jsOrigin("/app/nodework/workload.js"), { kind: "file" });
});

Deno.test("names: quoteMeta escapes exactly RE2's metacharacters, so a name matches only itself", () => {
  for (const name of ["main.(*tracer).finish", "RegExp: ^\\d{5}$", "pkg.Map[...]", "a|b", "x+y?"]) {
    const re = compileRE2(exactName(name));
    assert.ok(re.test(name), name);
    assert.ok(!re.test(name + "x") && !re.test("x" + name), name);
  }
  assert.equal(quoteMeta("a.b*c"), "a\\.b\\*c");
});

Deno.test("go.mod: module, require lines and blocks, replace, comments", () => {
  const m = parseGoMod(`module example.com/shop // the shop

go 1.21

require github.com/a/b v1.2.3
require (
\tgo.uber.org/zap v1.27.0
\tgolang.org/x/sys v0.20.0 // indirect
)
replace github.com/a/b => ../b
require broken
`);
  assert.equal(m.module, "example.com/shop");
  assert.equal(m.go, "1.21");
  assert.deepEqual(m.requires, [
    { path: "github.com/a/b", version: "v1.2.3", indirect: false },
    { path: "go.uber.org/zap", version: "v1.27.0", indirect: false },
    { path: "golang.org/x/sys", version: "v0.20.0", indirect: true },
  ]);
  assert.deepEqual(m.replaces.get("github.com/a/b"), { path: "../b", version: undefined });
  assert.deepEqual(m.warnings, ['go.mod: malformed require "broken"']);
});
