/**
 * The binary assets of PNG rendering, imported as bytes from their npm
 * packages (so `deno bundle` and `deno compile` carry them, and nothing is
 * fetched at run time): resvg's WebAssembly and three DejaVu fonts.
 *
 * @module
 */
import wasm from "@resvg/resvg-wasm/index_bg.wasm" with { type: "bytes" };
import serif from "dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf" with { type: "bytes" };
import sans from "dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf" with { type: "bytes" };
import mono from "dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf" with { type: "bytes" };

/** resvg 2.6.2's WebAssembly module. */
export const RESVG_WASM: Uint8Array = wasm;
/** DejaVu Serif Condensed: the closest to the Times metrics Graphviz lays its labels out with. */
export const SERIF_FONT: Uint8Array = serif;
/** DejaVu Sans Condensed. */
export const SANS_FONT: Uint8Array = sans;
/** DejaVu Sans Mono, the flame graphs' font. */
export const MONO_FONT: Uint8Array = mono;
