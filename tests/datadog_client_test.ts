/**
 * The Datadog client against the test double, in process: headers and bodies, the retry policy (429 with
 * Retry-After, 5xx, timeouts, connection resets and refusals), the token bucket, zod-checked answers, paging,
 * and the pieces it is built from (durations and times, Retry-After, URLs).
 */
import assert from "node:assert/strict";
import { apiUrl, BASE_URL_ENV, type ClientSettings, DEFAULT_SETTINGS, resolveSite } from "../lib/datadog/config.ts";
import { DatadogClient, describeTransport, retryAfterMs } from "../lib/datadog/http.ts";
import { type Clock, RateLimiter } from "../lib/datadog/limiter.ts";
import { downloadBundle, listCandidates, listPage } from "../lib/datadog/profiles_api.ts";
import { metricQuery, queryEscape, queryMetric, searchMetrics } from "../lib/datadog/metrics.ts";
import {
  parseDuration,
  parseDurationArg,
  parseRfc3339,
  parseTimeArg,
  resolveWindow,
  rfc3339,
} from "../lib/datadog/timeparse.ts";
import { UserError } from "../lib/errors.ts";
import { setMaxProfileBytes } from "../lib/profile/decompress.ts";
import { DatadogDouble, KEYS, profilesOf } from "./support/datadog_double.ts";

/** A client of the double with small delays: no rate limit, 10 ms backoff, 1 s timeouts. */
function clientOf(d: DatadogDouble | string, s: Partial<ClientSettings> = {}): DatadogClient {
  return new DatadogClient({
    baseUrl: typeof d === "string" ? d : d.url,
    keys: () => ({ apiKey: KEYS.DD_API_KEY, appKey: KEYS.DD_APP_KEY }),
    settings: {
      ...DEFAULT_SETTINGS,
      rps: 0,
      backoffMs: 10,
      listTimeoutMs: 1000,
      downloadTimeoutMs: 1000,
      metricsTimeoutMs: 1000,
      ...s,
    },
  });
}

const H = 3_600_000;
const window = (nowMs = Date.now()) => ({ service: "checkout", env: "prod", fromMs: nowMs - 72 * H, toMs: nowMs });

async function withDouble(f: (d: DatadogDouble) => Promise<void>): Promise<void> {
  const d = DatadogDouble.start();
  try {
    await f(d);
    assert.deepEqual(d.violations, []);
  } finally {
    await d.stop();
  }
}

async function rejects(p: Promise<unknown>, message: RegExp | string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    const m = (e as Error).message;
    if (typeof message === "string") assert.equal(m, message);
    else assert.match(m, message);
    return e as Error;
  }
  throw new Error(`expected a rejection matching ${message}`);
}

Deno.test("durations: Go's grammar plus days and weeks; errors say what is wrong", () => {
  assert.equal(parseDuration("1h"), H);
  assert.equal(parseDuration("30m"), 1_800_000);
  assert.equal(parseDuration("2h30m"), 2.5 * H);
  assert.equal(parseDuration("1.5h"), 1.5 * H);
  assert.equal(parseDuration("-3h"), -3 * H);
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("7d"), 7 * 24 * H);
  assert.equal(parseDuration("2w"), 14 * 24 * H);
  assert.equal(parseDuration("0"), 0);
  assert.equal(parseDuration("1µs"), 0.001);
  assert.throws(() => parseDuration("3"), /missing unit/);
  assert.throws(() => parseDuration("3y"), /unknown unit "y"/);
  assert.throws(() => parseDuration(""), /invalid duration/);
  assert.throws(() => parseDurationArg("-1h", "window"), /window must be positive/);
  assert.throws(() => parseDurationArg("soon", "window"), /invalid window "soon"/);
});

Deno.test("times: now, relative (-30m, -3h, -7d, -2w), RFC 3339; never a silent 'now'", () => {
  const now = Date.parse("2026-01-07T10:00:00.700Z");
  const at = (s: string) => rfc3339(parseTimeArg(s, now, "from")!);
  assert.equal(at("now"), "2026-01-07T10:00:00Z");
  assert.equal(at("NOW"), "2026-01-07T10:00:00Z");
  assert.equal(at("-30m"), "2026-01-07T09:30:00Z");
  assert.equal(at("-3h"), "2026-01-07T07:00:00Z");
  assert.equal(at("-7d"), "2025-12-31T10:00:00Z");
  assert.equal(at("-2w"), "2025-12-24T10:00:00Z");
  assert.equal(at("-2h30m"), "2026-01-07T07:30:00Z");
  assert.equal(at("2026-01-04T10:00:00Z"), "2026-01-04T10:00:00Z");
  assert.equal(at("2026-01-04T10:00:00.999999Z"), "2026-01-04T10:00:00Z");
  assert.equal(at("2026-01-04T12:00:00+02:00"), "2026-01-04T10:00:00Z");
  assert.equal(parseTimeArg("  ", now, "from"), undefined);
  assert.throws(() => parseTimeArg("yesterday", now, "from"), /invalid from "yesterday": expected RFC 3339/);
  assert.throws(() => parseTimeArg("-7x", now, "to"), /invalid to "-7x": invalid duration/);
  assert.throws(() => parseTimeArg("2026-01-04", now, "from"), UserError);
  assert.equal(parseRfc3339("2026-01-07T09:58:12.345Z"), Date.parse("2026-01-07T09:58:12.345Z"));
  assert.equal(parseRfc3339("not a time"), undefined);
});

Deno.test("windows: hours by default, from/to with warnings for a missing side, errors for bad or reversed", () => {
  const now = Date.parse("2026-01-07T10:00:00Z");
  const w = resolveWindow({}, now);
  assert.deepEqual([w.from, w.to, w.warnings], ["2026-01-04T10:00:00Z", "2026-01-07T10:00:00Z", []]);
  assert.equal(resolveWindow({ hours: 2 }, now).from, "2026-01-07T08:00:00Z");
  assert.equal(resolveWindow({ hours: 0 }, now).from, "2026-01-04T10:00:00Z");
  const f = resolveWindow({ from: "-1h", hours: 5 }, now);
  assert.deepEqual([f.from, f.to, f.warnings], ["2026-01-07T09:00:00Z", "2026-01-07T10:00:00Z", [
    "to not provided; defaulted to now",
  ]]);
  assert.deepEqual(resolveWindow({ to: "-1h" }, now).warnings, ["from not provided; defaulted to last 72h"]);
  assert.throws(() => resolveWindow({ from: "garbage" }, now), /invalid from "garbage"/);
  assert.throws(() => resolveWindow({ from: "-1h", to: "-2h" }, now), /from \(2026-01-07T09:00:00Z\) is after to/);
});

Deno.test("sites and URLs: profiles on https://<site>, metrics on https://api.<site>; the override replaces both", () => {
  assert.equal(apiUrl("us3.datadoghq.com", "profiles", "/api/x?a=1", "").href, "https://us3.datadoghq.com/api/x?a=1");
  assert.equal(apiUrl("datadoghq.eu", "metrics", "/api/v1/search", undefined).href.startsWith("https://api."), true);
  assert.equal(
    apiUrl("datadoghq.eu", "metrics", "/api/v1/q", "http://127.0.0.1:9/").href,
    "http://127.0.0.1:9/api/v1/q",
  );
  assert.equal(apiUrl("x", "profiles", "/api/p", "http://proxy:8080/dd/").href, "http://proxy:8080/dd/api/p");
  assert.throws(() => apiUrl("x", "profiles", "/p", "ftp://h"), new RegExp(`${BASE_URL_ENV}: "ftp://h" must be`));
  assert.throws(() => apiUrl("x", "profiles", "/p", "not a url"), /is not a URL/);
  assert.equal(resolveSite("datadoghq.eu", "us5.datadoghq.com"), "datadoghq.eu");
  assert.equal(resolveSite(undefined, "", "us5.datadoghq.com"), "us5.datadoghq.com");
});

Deno.test("Retry-After: seconds or an HTTP date, capped; nothing positive means the backoff decides", () => {
  const now = Date.parse("2026-01-07T10:00:00Z");
  assert.equal(retryAfterMs("2", now, 60_000), 2000);
  assert.equal(retryAfterMs("600", now, 60_000), 60_000);
  assert.equal(retryAfterMs("Wed, 07 Jan 2026 10:00:05 GMT", now, 60_000), 5000);
  assert.equal(retryAfterMs("Wed, 07 Jan 2026 09:59:00 GMT", now, 60_000), undefined);
  assert.equal(retryAfterMs("0", now, 60_000), undefined);
  assert.equal(retryAfterMs("soon", now, 60_000), undefined);
  assert.equal(retryAfterMs(null, now, 60_000), undefined);
});

Deno.test("backoff: 200 ms doubling to 5 s, plus jitter below a quarter", () => {
  const at = (r: number) => new DatadogClient({ settings: DEFAULT_SETTINGS, random: () => r, baseUrl: "" });
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => at(0).backoff(n)), [200, 400, 800, 1600, 3200, 5000, 5000]);
  assert.ok(at(0.999).backoff(1) < 250 && at(0.999).backoff(1) > 249);
});

Deno.test("token bucket: rps 2, burst 2 — two at once, the third waits 500 ms, one 500 ms later is immediate", async () => {
  let now = 0;
  const waits: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  const l = new RateLimiter(2, 2, clock);
  await l.acquire("us3.datadoghq.com");
  await l.acquire("us3.datadoghq.com");
  assert.deepEqual(waits, []);
  await l.acquire("us3.datadoghq.com");
  assert.equal(waits.length, 1);
  assert.ok(Math.abs(waits[0] - 500) < 1e-6, String(waits));
  // Another host has its own bucket.
  await l.acquire("api.us3.datadoghq.com");
  assert.equal(waits.length, 1);
  now += 500;
  await l.acquire("us3.datadoghq.com");
  assert.equal(waits.length, 1);
  const off = new RateLimiter(0, 4, clock);
  for (let i = 0; i < 10; i++) await off.acquire("h");
  assert.equal(waits.length, 1);
});

Deno.test("token bucket: a canceled wait stops at once", async () => {
  const l = new RateLimiter(0.01, 1);
  await l.acquire("h");
  const c = new AbortController();
  const t0 = performance.now();
  setTimeout(() => c.abort(), 20);
  await assert.rejects(l.acquire("h", c.signal));
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test("list: the request the API expects, with both keys; candidates with their fallbacks", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(3, { host: "ip-10-0-1-23.prod-usw2a" }));
    const now = Date.parse("2026-01-07T10:00:00Z");
    d.profiles.push({
      event_id: "AZQ1",
      profile_id: "6a1f",
      timestamp: "2026-01-07T09:58:12.345Z",
      service: "checkout",
      env: "prod",
      numbers: { "cpu-samples": "5790", "alloc_space": 12, "unlisted": 3 },
    });
    const page = await listPage(clientOf(d), "us3.datadoghq.com", { ...window(now), host: "*prod-usw2a*" }, 50);
    const [req] = d.requests("list");
    assert.equal(req.method, "POST");
    assert.equal(req.headers["dd-api-key"], KEYS.DD_API_KEY);
    assert.equal(req.headers["dd-application-key"], KEYS.DD_APP_KEY);
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers["x-pprof-mcp-dd-host"], "us3.datadoghq.com");
    assert.deepEqual(req.body, {
      filter: {
        from: "2026-01-04T10:00:00Z",
        to: "2026-01-07T10:00:00Z",
        query: "service:checkout env:prod host:*prod-usw2a*",
      },
      sort: { field: "timestamp", order: "desc" },
      limit: 50,
    });
    // The fixed profile has no host, so the host filter leaves it out; without the filter it is there.
    assert.equal(page.entries.length, 0);
    const all = await listCandidates(clientOf(d), "us3.datadoghq.com", window(now), { limit: 50 });
    assert.deepEqual(all.candidates, [{
      profile_id: "6a1f",
      event_id: "AZQ1",
      timestamp: "2026-01-07T09:58:12.345Z",
      numeric_fields: { "cpu-samples": 5790, alloc_space: 12 },
    }]);
  });
});

Deno.test("list: pages through meta.page.after until the limit or the end of the window", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(7));
    const c = clientOf(d);
    const l = await listCandidates(c, "s", window(), { limit: Infinity, pageSize: 3 });
    assert.equal(l.candidates.length, 7);
    assert.equal(l.pages, 3);
    const bodies = d.requests("list").map((r) => (r.body as { page?: { cursor: string }; limit: number }));
    assert.deepEqual(bodies.map((b) => [b.limit, b.page !== undefined]), [[3, false], [3, true], [3, true]]);
    assert.equal(l.candidates.at(-1)!.event_id, "ev-7");
    const first = await listCandidates(c, "s", window(), { limit: 2 });
    assert.deepEqual(first.candidates.map((x) => x.event_id), ["ev-1", "ev-2"]);
    assert.equal(first.more, true);
  });
});

Deno.test("retries: 429 waits Retry-After, 5xx back off, then the answer; every attempt is authenticated", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(2));
    d.fail("list", { status: 429, headers: { "Retry-After": "1" } }, { status: 500 }, { status: 503 });
    const l = await listCandidates(clientOf(d), "s", window(), { limit: 5 });
    assert.equal(l.candidates.length, 2);
    const reqs = d.requests("list");
    assert.equal(reqs.length, 4);
    assert.ok(reqs[1].at - reqs[0].at >= 950, `Retry-After honoured: ${reqs[1].at - reqs[0].at} ms`);
    assert.ok(reqs[2].at - reqs[1].at < 900, "a 500 waits the backoff, not Retry-After");
    assert.ok(reqs.every((r) => r.headers["dd-api-key"] === KEYS.DD_API_KEY));
  });
});

Deno.test("retries: Retry-After is capped, and a 429 with an HTTP date in the past falls back to the backoff", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(1));
    d.fail(
      "list",
      { status: 429, headers: { "Retry-After": "600" } },
      { status: 429, headers: { "Retry-After": "Thu, 01 Jan 2026 00:00:00 GMT" } },
    );
    const t0 = performance.now();
    await listCandidates(clientOf(d, { retryAfterMaxMs: 300 }), "s", window(), { limit: 1 });
    const reqs = d.requests("list");
    assert.equal(reqs.length, 3);
    const first = reqs[1].at - reqs[0].at, second = reqs[2].at - reqs[1].at;
    assert.ok(first >= 290 && first < 1500, `capped Retry-After: ${first} ms`);
    assert.ok(second < 250, `past date: backoff of 20 ms, got ${second} ms`);
    assert.ok(performance.now() - t0 < 5000);
  });
});

Deno.test("retries: the last failure after all attempts is the error, with the status and body", async () => {
  await withDouble(async (d) => {
    d.fail("list", ...Array.from({ length: 3 }, () => ({ status: 502, body: '{"errors":["bad gateway"]}' })));
    await rejects(
      listPage(clientOf(d, { maxAttempts: 3 }), "us3.datadoghq.com", window(), 1),
      'datadog request failed: status 502: {"errors":["bad gateway"]} (3 attempts to us3.datadoghq.com)',
    );
    assert.equal(d.requests("list").length, 3);
  });
});

Deno.test("errors: 403 (wrong keys) is not retried; errors in a 200 answer; a changed API names the field", async () => {
  await withDouble(async (d) => {
    const wrong = new DatadogClient({
      baseUrl: d.url,
      keys: () => ({ apiKey: "nope", appKey: "nope" }),
      settings: { ...DEFAULT_SETTINGS, rps: 0 },
    });
    await rejects(listPage(wrong, "s", window(), 1), 'datadog list failed: status 403: {"errors":["Forbidden"]}');
    assert.equal(d.requests("list").length, 1);
    d.fail("list", { status: 200, body: '{"errors":["query too broad"],"data":[]}' });
    await rejects(listPage(clientOf(d), "s", window(), 1), 'datadog list returned errors: ["query too broad"]');
    d.fail("list", { status: 200, body: '{"result": []}' });
    await rejects(
      listPage(clientOf(d), "s", window(), 1),
      "unexpected Datadog response from the profiles list: data: missing",
    );
    d.fail("list", { status: 200, body: '{"data": {"id": 1}}' });
    await rejects(listPage(clientOf(d), "s", window(), 1), /profiles list: data: expected an array/);
    d.fail("list", {
      status: 200,
      body: '{"data": [{"id": "e", "attributes": {"profile-id": "p", "timestamp": 17}}]}',
    });
    await rejects(
      listPage(clientOf(d), "s", window(), 1),
      /profiles list: data\[0\]\.attributes\.timestamp: expected string/,
    );
    d.fail("list", { malformed: true });
    await rejects(
      listPage(clientOf(d), "s", window(), 1),
      /unexpected Datadog response from the profiles list: not JSON/,
    );
    d.fail("list", { status: 200, body: '{"data": [3, "x", {"id": "e", "attributes": {"profile-id": "p"}}]}' });
    const l = await listCandidates(clientOf(d), "s", window(), { limit: 5 });
    assert.deepEqual(l.candidates, [{ profile_id: "p", event_id: "e", timestamp: "" }]);
    assert.deepEqual(l.warnings, ["skipped 2 list entries that were not objects"]);
  });
});

Deno.test("retries: timeouts, connection resets and refused connections are retried (the original gave up)", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(1));
    d.fail("list", { delayMs: 400 }, { reset: true });
    const l = await listCandidates(clientOf(d, { listTimeoutMs: 150 }), "s", window(), { limit: 1 });
    assert.equal(l.candidates.length, 1);
    assert.equal(d.requests("list").length, 3);
    d.fail("list", { delayMs: 400 }, { delayMs: 400 });
    await rejects(
      listPage(clientOf(d, { listTimeoutMs: 100, maxAttempts: 2 }), "us3.datadoghq.com", window(), 1),
      "datadog request failed: timed out after 100ms (2 attempts to us3.datadoghq.com)",
    );
    d.fail("download", { reset: true });
    const p = d.profiles[0];
    const zip = await downloadBundle(clientOf(d), "s", p.profile_id, p.event_id);
    assert.equal(zip[0], 0x50);
    assert.equal(d.requests("download").length, 2);
  });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  await rejects(
    listPage(clientOf(`http://127.0.0.1:${port}`, { maxAttempts: 2 }), "us3.datadoghq.com", window(), 1),
    "datadog request failed: connection refused (2 attempts to us3.datadoghq.com)",
  );
  assert.equal(describeTransport(new TypeError("error reading a body from connection")), "connection reset");
});

Deno.test("cancellation: aborting stops a Retry-After wait and a slow answer at once", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(1));
    d.fail("list", { status: 429, headers: { "Retry-After": "30" } }, { delayMs: 10_000 });
    for (const after of [150, 50]) {
      const c = new AbortController();
      const t0 = performance.now();
      setTimeout(() => c.abort(), after);
      const e = await rejects(
        listPage(clientOf(d, { listTimeoutMs: 20_000 }), "s", window(), 1, { signal: c.signal }),
        /canceled/,
      );
      assert.equal(e.name, "AbortError");
      assert.ok(performance.now() - t0 < 2000, `stopped after ${performance.now() - t0} ms`);
    }
  });
});

Deno.test("download: the endpoint and its ids; anything but 200 is an error; answers over the cap are refused", async () => {
  await withDouble(async (d) => {
    d.profiles.push(...profilesOf(1));
    const p = d.profiles[0];
    await downloadBundle(clientOf(d), "s", p.profile_id, p.event_id);
    const [req] = d.requests("download");
    assert.equal(req.path, `/api/ui/profiling/profiles/${p.profile_id}/download`);
    assert.deepEqual(req.query, { eventId: p.event_id });
    assert.equal(req.headers["content-type"], undefined, "no Content-Type on a GET");
    assert.equal(req.headers["dd-application-key"], KEYS.DD_APP_KEY);
    await rejects(downloadBundle(clientOf(d), "s", "missing", "x"), /^profile download failed: status 404: /);
    d.fail("download", { status: 202, body: "queued" });
    await rejects(
      downloadBundle(clientOf(d), "s", p.profile_id, p.event_id),
      "profile download failed: status 202: queued",
    );
    setMaxProfileBytes(1000);
    try {
      await rejects(
        downloadBundle(clientOf(d), "s", p.profile_id, p.event_id),
        /^datadog request to \/api\/ui\/profiling\/profiles\/.*\/download: the answer is .* more than the cap of 1000 bytes$/,
      );
    } finally {
      setMaxProfileBytes(undefined);
    }
  });
});

Deno.test("metrics: search and query requests as the API takes them, points and units read", async () => {
  await withDouble(async (d) => {
    d.metricNames = ["go.memstats.heap_inuse_bytes", "go.goroutines", "container.memory.rss"];
    d.series["go.goroutines"] = {
      points: [[1767779700000, 812], [1767779720000, null], [1767779740000, 790], [1767779760000] as never],
      unit: "goroutine",
      tags: ["env:prod", "service:checkout", "weird"],
    };
    const c = clientOf(d);
    assert.deepEqual(await searchMetrics(c, "us3.datadoghq.com", "go.memstats"), ["go.memstats.heap_inuse_bytes"]);
    const [search] = d.requests("search");
    assert.equal(search.headers["x-pprof-mcp-dd-host"], "api.us3.datadoghq.com");
    assert.deepEqual(search.query, { q: "metrics:go.memstats" });
    const q = metricQuery("go.goroutines", { service: "checkout", env: "prod" });
    assert.equal(q, "go.goroutines{service:checkout,env:prod}");
    const s = await queryMetric(c, "us3.datadoghq.com", q, 1767779700_000, 1767780300_000);
    const [query] = d.requests("query");
    assert.equal(query.path, "/api/v1/query");
    assert.deepEqual(query.query, { from: "1767779700", query: q, to: "1767780300" });
    assert.deepEqual(s, {
      name: "go.goroutines",
      tags: { env: "prod", service: "checkout" },
      unit: "goroutine",
      points: [{ timestamp: "2026-01-07T09:55:00Z", value: 812 }, { timestamp: "2026-01-07T09:55:40Z", value: 790 }],
      avg_value: 801,
      max_value: 812,
      min_value: 790,
      last_value: 790,
    });
    assert.equal(await queryMetric(c, "s", "nothing.here", 0, 1000), undefined);
    d.fail("query", { status: 500 });
    await rejects(queryMetric(c, "s", q, 0, 1000), "query failed: status 500");
    assert.equal(d.requests("query").length, 3, "metrics queries are not retried");
    assert.equal(queryEscape("a b{c:d}"), "a+b%7Bc%3Ad%7D");
  });
});
