/**
 * Rendering in-process, with no Graphviz or browser installed: DOT to SVG by
 * Graphviz compiled to WebAssembly (`@viz-js/viz`, its WASM inside the
 * package's JavaScript), SVG to PNG by resvg compiled to WebAssembly with a
 * DejaVu font, both loaded from the npm packages (bundled into `deno bundle`
 * output), never from the network, and only when a call needs them.
 *
 * @module
 */

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Scale the image to this width in pixels (default: the SVG's own size, at most `maxSide`). */
  width?: number;
  /** The largest width or height drawn at the SVG's own size; larger drawings are scaled down (default 3200). */
  maxSide?: number;
  /** Background colour (default white). */
  background?: string;
  /**
   * Scales every `font-size` first: Graphviz sizes its boxes with Times' metrics, and DejaVu Serif Condensed,
   * the font the PNG is drawn with, is about a tenth wider (default 1).
   */
  fontScale?: number;
}

interface Viz {
  renderString(src: string, o: { format: string; graphAttributes?: Record<string, string> }): string;
}

let viz: Promise<Viz> | undefined;

/** The Graphviz instance, made once per process. */
function graphviz(): Promise<Viz> {
  viz ??= import("@viz-js/viz").then((m) => m.instance() as Promise<Viz>);
  return viz;
}

/**
 * The SVG Graphviz draws for a DOT text (`dot -Tsvg`), at its own size: a
 * browser shows it readable, with scroll bars and zoom (pprof fits it to the
 * window and adds a pan-and-zoom script; a static file cannot be zoomed then).
 */
export async function dotToSvg(dot: string): Promise<string> {
  return (await graphviz()).renderString(dot, { format: "svg" });
}

let resvg: Promise<typeof import("@resvg/resvg-wasm")> | undefined;
let fonts: Uint8Array[] | undefined;

async function rasterizer(): Promise<typeof import("@resvg/resvg-wasm")> {
  resvg ??= (async () => {
    const [m, wasm, serif, sans, mono] = await Promise.all([
      import("@resvg/resvg-wasm"),
      import("./resvg_assets.ts").then((a) => a.RESVG_WASM),
      import("./resvg_assets.ts").then((a) => a.SERIF_FONT),
      import("./resvg_assets.ts").then((a) => a.SANS_FONT),
      import("./resvg_assets.ts").then((a) => a.MONO_FONT),
    ]);
    await m.initWasm(wasm);
    fonts = [serif, sans, mono];
    return m;
  })();
  return await resvg;
}

/** The PNG of an SVG, drawn with DejaVu fonts (Times maps to DejaVu Serif Condensed, as Graphviz's metrics are Times'). */
export async function svgToPng(svg: string, o: PngOptions = {}): Promise<Uint8Array> {
  const m = await rasterizer();
  const k = o.fontScale ?? 1;
  if (k !== 1) svg = svg.replace(/font-size="([\d.]+)"/g, (_, n) => `font-size="${(Number(n) * k).toFixed(2)}"`);
  // Graphviz sizes its SVG in points; resvg draws 4/3 pixels a point.
  const size = /<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"/.exec(svg);
  const [w, h] = size ? [Number(size[1]) * 4 / 3, Number(size[2]) * 4 / 3] : [0, 0];
  const max = o.maxSide ?? 3200;
  let width = o.width;
  if (width === undefined && Math.max(w, h) > max) width = Math.round(w * max / Math.max(w, h));
  const r = new m.Resvg(svg, {
    background: o.background ?? "#ffffff",
    fitTo: width ? { mode: "width", value: width } : { mode: "original" },
    font: {
      fontBuffers: fonts,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Serif Condensed",
      serifFamily: "DejaVu Serif Condensed",
      sansSerifFamily: "DejaVu Sans Condensed",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  try {
    const img = r.render();
    const png = img.asPng();
    img.free();
    return png;
  } finally {
    r.free();
  }
}
