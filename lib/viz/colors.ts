/**
 * Flame graph colours: one light colour per package, the same in every run
 * (a hash of the package name picks the hue), muted for runtimes and system
 * libraries; and the red/blue scale of differential graphs.
 *
 * @module
 */
import { isSystemPackage } from "./names.ts";

/** FNV-1a hash of a string's UTF-16 code units: stable across runs and platforms. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `#rrggbb` of an HSL colour (hue in degrees, saturation and lightness in [0, 1]). */
export function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/**
 * The colour of a package: light enough for black text; user code in clear
 * hues, runtimes and system libraries (`runtime`, `std`, `node:internal`…) greyish.
 */
export function packageColor(pkg: string): string {
  const h = fnv1a(pkg);
  const hue = h % 360;
  const shade = ((h >>> 9) % 8) / 100; // a little lightness variation between neighbouring hues
  return isSystemPackage(pkg) ? hslHex(hue, 0.16, 0.8 + shade / 2) : hslHex(hue, 0.6, 0.72 + shade);
}

/**
 * The relative change of a frame, in [-1, 1]: (candidate − base) / the larger
 * of the two; 1 for a frame only in the candidate, −1 for one only in the base.
 */
export function relativeChange(candidate: number, base: number): number {
  const m = Math.max(Math.abs(candidate), Math.abs(base));
  return m === 0 ? 0 : (candidate - base) / m;
}

/** The colour of a relative change: red where the candidate grew, blue where it shrank, grey where equal. */
export function diffColor(rel: number): string {
  // A 10% change should already show: the scale rises steeply near 0.
  const x = Math.pow(Math.min(1, Math.abs(rel)), 0.6);
  if (x < 0.04) return hslHex(0, 0, 0.9);
  return hslHex(rel > 0 ? 0 : 215, 0.2 + 0.7 * x, 0.92 - 0.3 * x);
}
