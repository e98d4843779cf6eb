/**
 * The profile time as pprof prints it (`Time:` of reports and of -raw), in
 * many time zones, checked against what Go printed for the same instants
 * (fixtures/goref/gotime_cases.json, made by fixtures/goref/gotime.go). Each
 * zone runs in a subprocess with its own `TZ`, as a user would run us.
 */
import assert from "node:assert/strict";
import { formatGoDuration } from "../lib/format/gotime.ts";

interface ZoneCases {
  tz: string;
  cases: { nanos: string; report: string; raw: string }[];
}

const zones: ZoneCases[] = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/goref/gotime_cases.json", import.meta.url)),
);
const child = new URL("./gotime_zone.ts", import.meta.url).pathname;
const goref = new URL("../fixtures/goref/", import.meta.url).pathname;

/** The TZ value to run a zone's cases with: gotime.go's own zone files (tzif/…) by their absolute path. */
const tzValue = (tz: string) => tz.startsWith("tzif/") ? goref + tz : tz;

/** Our `[report, raw]` strings for `nanos`, formatted in a subprocess with `TZ=tz`. */
async function formatIn(tz: string, nanos: string[], confined = false): Promise<string[][]> {
  const args = ["run", "--allow-read", "--allow-write", "--allow-env", "--unstable-worker-options", child];
  const p = new Deno.Command(Deno.execPath(), {
    args: confined ? [...args, "--confined"] : args,
    env: { TZ: tz, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(nanos)));
  await w.close();
  const out = await p.output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  const result = JSON.parse(dec.decode(out.stdout));
  assert.ok(Array.isArray(result), JSON.stringify(result));
  return result;
}

/** The zone file Go reads for `tz`, when it is a zone name that needs one. */
function zoneFile(tz: string): string | undefined {
  const name = tz.replace(/^:/, "");
  if (name === "" || name === "UTC") return undefined;
  return name.startsWith("/") ? name : `/usr/share/zoneinfo/${name}`;
}

function readable(path: string | undefined): boolean {
  if (path === undefined) return true;
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("gotime: the Go cases cover what they claim", () => {
  const tzs = zones.map((z) => z.tz);
  for (const tz of ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]) {
    assert.ok(tzs.includes(tz), tz);
  }
  const utc = zones.find((z) => z.tz === "UTC")!.cases;
  const reports = utc.map((c) => c.report);
  // 12 am, 12 pm, 1 am and 1 pm, every month, times before 1970 and after 2038.
  for (const want of [/at 12:07am /, /at 12:07pm /, /at 1:07am /, /at 1:07pm /, /^Dec 31, 1969 /, /, 2040 at /]) {
    assert.ok(reports.some((r) => want.test(r)), String(want));
  }
  for (const m of ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]) {
    assert.ok(reports.some((r) => r.startsWith(m + " ")), m);
  }
  for (const frac of [".5 ", ".05 ", ".000000001 ", ".123456789 ", ".151000064 "]) {
    assert.ok(utc.some((c) => c.raw.includes(frac)), frac);
  }
});

for (const z of zones) {
  const tz = tzValue(z.tz);
  const file = zoneFile(tz);
  Deno.test({
    name: `gotime: TZ=${JSON.stringify(z.tz)}: report and raw times as Go prints them`,
    // Go itself would print UTC without the zone file; the cases assume the machine has tzdata.
    ignore: z.tz !== "No/Such_Zone" && !readable(file),
    async fn() {
      const ours = await formatIn(tz, z.cases.map((c) => c.nanos));
      const wrong = z.cases.flatMap((c, i) => {
        const diffs = [];
        if (ours[i][0] !== c.report) diffs.push(`${c.nanos}: report ${ours[i][0]} != Go ${c.report}`);
        if (ours[i][1] !== c.raw) diffs.push(`${c.nanos}: raw ${ours[i][1]} != Go ${c.raw}`);
        return diffs;
      });
      assert.deepEqual(wrong, [], `${wrong.length} differences, first:\n${wrong.slice(0, 10).join("\n")}`);
    },
  });
}

Deno.test("gotime: without access to zoneinfo (the confined MCP worker) the local time is still right", async () => {
  for (const tz of ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]) {
    // Instants V8's own time zone data agrees on with tzdata: 1971 to 2037.
    const cases = zones.find((z) => z.tz === tz)!.cases.filter((c) => {
      const year = Number(c.raw.slice(0, 4));
      return year > 1970 && year < 2038;
    });
    assert.ok(cases.length > 50);
    const ours = await formatIn(tz, cases.map((c) => c.nanos), true);
    cases.forEach((c, i) => {
      const [report, raw] = ours[i];
      // Everything but the abbreviation is Go's; the abbreviation is Intl's (Go's or "GMT+1").
      assert.equal(report.replace(/ \([^)]*\)$/, ""), c.report.replace(/ \([^)]*\)$/, ""), c.nanos);
      assert.equal(raw.replace(/ [^ ]+$/, ""), c.raw.replace(/ [^ ]+$/, ""), c.nanos);
      const abbr = raw.slice(raw.lastIndexOf(" ") + 1);
      if (tz === "UTC") assert.equal(abbr, "UTC");
      else assert.match(abbr, /^([A-Z]{3,4}|GMT[+-]\d{1,2}(:\d\d)?)$/, `${tz}: ${raw}`);
      assert.ok(report.endsWith(`(${abbr})`), report);
    });
  }
});

Deno.test("gotime: TZ changed while running is honoured", async () => {
  // Same process, two zones: the zone is looked up per TZ value, not once at start-up.
  const script = `
    import { formatGoTime } from ${JSON.stringify(new URL("../lib/format/gotime.ts", import.meta.url).href)};
    const t = 1717200429000000000n;
    const a = formatGoTime(t);
    Deno.env.set("TZ", "Asia/Tokyo");
    console.log(JSON.stringify([a, formatGoTime(t)]));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    env: { TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  // Go: 2024-06-01 00:07:09 UTC, and 09:07:09 JST in Tokyo (gotime_cases.json).
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [
    "2024-06-01 00:07:09 +0000 UTC",
    readable("/usr/share/zoneinfo/Asia/Tokyo") ? "2024-06-01 09:07:09 +0900 JST" : "2024-06-01 09:07:09 +0900 GMT+9",
  ]);
});

Deno.test("gotime: durations as Go's time.Duration.String()", () => {
  // Values and strings from Go: fmt.Println(time.Duration(n)).
  assert.equal(formatGoDuration(0), "0s");
  assert.equal(formatGoDuration(1), "1ns");
  assert.equal(formatGoDuration(1500), "1.5µs");
  assert.equal(formatGoDuration(1_500_000), "1.5ms");
  assert.equal(formatGoDuration(13_430_414_196), "13.430414196s");
  assert.equal(formatGoDuration(90_500_000_000), "1m30.5s");
  assert.equal(formatGoDuration(3_600_000_000_000), "1h0m0s");
  assert.equal(formatGoDuration(-1_500_000), "-1.5ms");
});
