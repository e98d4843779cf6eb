/**
 * Opens flame graphs in headless Chromium: measures how long the browser
 * takes to load them, and drives the interactive HTML (hover, click to zoom,
 * search, sandwich, reset) checking what it shows, with a screenshot of each
 * state. Needs Chromium (`apt-get install -y chromium`); not part of CI.
 *
 *   deno run -A bench/flame_browser.ts OUT_DIR [PROFILE]
 *   (default PROFILE: fixtures/profiles/cpu.pb.gz; also times fixtures/big/bigcpu.pb.gz)
 *
 * @module
 */
import { loadSources } from "../lib/profile/sources.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { renderFlame } from "../lib/viz/flamegraph.ts";
import { launch, type Page } from "./cdp.ts";

const [outDir, profile = "fixtures/profiles/cpu.pb.gz"] = Deno.args;
if (!outDir) {
  console.error("usage: deno run -A bench/flame_browser.ts OUT_DIR [PROFILE]");
  Deno.exit(2);
}
await Deno.mkdir(outDir, { recursive: true });
const out = await Deno.realPath(outDir);

async function write(file: string, format: "svg" | "html", base?: string): Promise<{ path: string; ms: number }> {
  const t0 = performance.now();
  const p = await loadSources({ files: [file], base: base ? [base] : [], diffBase: !!base });
  const o = renderFlame(newReport(p, "top", defaultConfig()), { format });
  const name = `${file.split("/").pop()!.replace(/\.pb\.gz$/, "")}${base ? "_diff" : ""}.${format}`;
  await Deno.writeTextFile(`${out}/${name}`, o.text);
  return { path: `${out}/${name}`, ms: performance.now() - t0 };
}

let failures = 0;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

async function shot(page: Page, name: string): Promise<void> {
  await Deno.writeFile(`${out}/${name}.png`, await page.screenshot());
}

/** Milliseconds from the start of navigation to the end of the load event (and, for the app, to its first draw). */
async function loadTime(page: Page, url: string): Promise<{ load: number; ready?: number }> {
  await page.goto(url);
  return await page.eval(`(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return { load: n.loadEventEnd, ready: globalThis.flameGraph?.readyAt };
  })()`);
}

const browser = await launch();
try {
  const page = await browser.page(1600, 1000);

  // The large profile: both files must open in under two seconds.
  for (const format of ["svg", "html"] as const) {
    const f = await write("fixtures/big/bigcpu.pb.gz", format);
    const size = (await Deno.stat(f.path)).size;
    const t = await loadTime(page, "file://" + f.path);
    console.log(
      `bigcpu ${format}: written in ${f.ms.toFixed(0)} ms, ${(size / 1024).toFixed(0)} KB, browser load ${
        t.load.toFixed(0)
      } ms${t.ready !== undefined ? `, ready ${t.ready.toFixed(0)} ms` : ""}`,
    );
    check(Math.max(t.load, t.ready ?? 0) < 2000, `bigcpu ${format} opens in under 2 s`);
    await shot(page, `bigcpu_${format}`);
  }

  const html = await write(profile, "html");
  await page.goto("file://" + html.path);
  await shot(page, "html_start");
  const canvas = await page.eval<{ x: number; y: number; w: number }>(`(() => {
    const r = document.getElementById("flame").getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width };
  })()`);
  // The first child of the root: the frame at the left of the second row.
  const target = await page.eval<{ i: number; name: string }>(`(() => {
    const t = flameGraph.main;
    const i = t.rows[1][0];
    return { i, name: ${"JSON.parse(document.getElementById('flame-data').textContent).names"}[t.f[i]] };
  })()`);
  const x = canvas.x + 40, y = canvas.y + 18 + 9;
  await page.mouse(x, y);
  const tip = await page.eval<{ hidden: boolean; text: string }>(
    `({ hidden: document.getElementById("tip").hidden, text: document.getElementById("tip").innerText })`,
  );
  check(
    !tip.hidden && tip.text.startsWith(target.name) && /total \S+ \(\S+%\)/.test(tip.text),
    `hover shows a tooltip for ${target.name}`,
  );
  await shot(page, "html_hover");

  await page.mouse(x, y, true);
  const zoom = await page.eval<{ zoom: number; x: number; w: number; W: number }>(`(() => {
    const v = flameGraph.mainView, l = v.layout(flameGraph.zoom);
    return { zoom: flameGraph.zoom, x: l.x, w: l.w, W: v.canvas.clientWidth };
  })()`);
  check(
    zoom.zoom === target.i && zoom.x === 0 && Math.abs(zoom.w - zoom.W) < 0.5,
    "click zooms: the frame fills the width",
  );
  await shot(page, "html_zoom");

  await page.eval(`document.getElementById("search").focus()`);
  await page.type("json");
  await new Promise((r) => setTimeout(r, 400));
  const match = await page.eval<{ text: string; want: number; total: number }>(`(() => {
    // The share recomputed from the page's data: outermost matching paths, summed.
    const d = JSON.parse(document.getElementById("flame-data").textContent);
    const re = /json/i;
    let sum = 0, depth = Infinity;
    for (let i = 1; i < d.nodes.f.length; i++) {
      if (d.nodes.d[i] <= depth) depth = Infinity;
      if (depth === Infinity && re.test(d.names[d.nodes.f[i]])) { sum += d.nodes.v[i]; depth = d.nodes.d[i]; }
    }
    return { text: document.getElementById("match").textContent, want: sum, total: d.total };
  })()`);
  const pct = (match.want / match.total * 100).toFixed(2) + "%";
  check(
    match.text.startsWith("matches: ") && match.text.includes(pct),
    `search shows the matches' share (${match.text}, want ${pct})`,
  );
  await shot(page, "html_search");

  await page.eval(`flameGraph.reset()`);
  const fn = "gen/internal/transform.normalizeValue";
  const sw = await page.eval<{ shown: boolean; title: string; callers: number; callees: number }>(`(() => {
    const d = JSON.parse(document.getElementById("flame-data").textContent);
    const f = d.names.indexOf(${JSON.stringify(fn)});
    if (f < 0) return { shown: false, title: "", callers: 0, callees: 0 };
    flameGraph.showSandwich(f);
    return {
      shown: !document.getElementById("sw").hidden,
      title: document.getElementById("swtitle").textContent,
      callers: document.getElementById("callers").clientHeight,
      callees: document.getElementById("callees").clientHeight,
    };
  })()`);
  if (profile.endsWith("cpu.pb.gz")) {
    // pprof -top -cum: 3.35s (13.39%) for this function.
    check(
      sw.shown && sw.title.includes("3.35s (13.39%)") && sw.callers > 18 && sw.callees > 18,
      `sandwich of ${fn}: ${sw.title}`,
    );
  }
  await shot(page, "html_sandwich");

  await page.eval(`document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }))`);
  const reset = await page.eval<{ zoom: number; main: boolean; search: string }>(
    `({ zoom: flameGraph.zoom, main: !document.getElementById("main").hidden, search: document.getElementById("search").value })`,
  );
  check(reset.zoom === 0 && reset.main && reset.search === "", "Escape resets zoom, search and view");

  const diff = await write("fixtures/profiles/cpu_after.pb.gz", "html", "fixtures/profiles/cpu.pb.gz");
  await page.goto("file://" + diff.path);
  await page.mouse(canvas.x + 300, canvas.y + 200);
  await page.mouse(canvas.x + 40, canvas.y + 9);
  const dtip = await page.eval<string>(`document.getElementById("tip").innerText`);
  check(
    /base \S+ → candidate \S+: [+-]/.test(dtip),
    `diff tooltip gives both values and the change: ${dtip.replace(/\s+/g, " ")}`,
  );
  await shot(page, "html_diff");
} finally {
  await browser.close();
}
console.log(failures === 0 ? "all checks passed" : `${failures} checks failed`);
Deno.exit(failures === 0 ? 0 : 1);
