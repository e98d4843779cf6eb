/**
 * Go `fmt` number formatting (`%.Nf`, `%.Ng`, `%.Ne`, `%Ns`), reproduced exactly.
 *
 * pprof's reports are made of these verbs, and JavaScript's `toFixed` differs
 * from Go on exact ties (Go rounds half to even on the exact binary value,
 * `toFixed` rounds half up), so ties take a path over the exact decimal
 * expansion of the double.
 *
 * @module
 */

/** Exact decimal expansion of a finite non-negative double: 0.d1d2d3… × 10^dp. */
interface Decimal {
  digits: string; // no leading or trailing zeros; "" for zero
  dp: number; // position of the decimal point relative to digits
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: "", dp: 0 };
  f64[0] = x;
  const hiWord = u32[1];
  const loWord = u32[0];
  const biased = (hiWord >>> 20) & 0x7ff;
  let mant = (BigInt(hiWord & 0xfffff) << 32n) | BigInt(loWord);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // m / 2^k = m * 5^k / 10^k
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(0, end), dp };
}

/** Rounds to `nd` digits, half to even, as Go's strconv does. */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: "", dp: d.dp };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.digits.length) up = true; // more non-zero digits follow (digits have no trailing zeros)
  else up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  let digits = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = nd - 1;
    while (i >= 0 && digits[i] === "9") i--;
    if (i < 0) {
      digits = "1";
      dp++;
    } else {
      digits = digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1);
    }
  }
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(0, end), dp: end === 0 ? 0 : dp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i] : "0";
}

function fixedFromDecimal(d: Decimal, prec: number): string {
  let s = "";
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else s = "0";
  if (prec > 0) {
    s += ".";
    for (let i = 0; i < prec; i++) s += digitAt(d, d.dp + i);
  }
  return s;
}

function expFromDecimal(d: Decimal, prec: number): string {
  let s = d.digits.length ? d.digits[0] : "0";
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const e = d.digits.length ? d.dp - 1 : 0;
  const ae = Math.abs(e);
  return s + (e < 0 ? "e-" : "e+") + (ae < 10 ? "0" + ae : String(ae));
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return undefined;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

/** Go `%.{prec}f`. */
export function formatFixed(x: number, prec: number): string {
  const sp = special(x);
  if (sp) return sp;
  const ax = Math.abs(x);
  // Fast path: toFixed is exact except on exact ties, which need x*10^prec to
  // end in .5; a product far from .5 cannot be a tie.
  if (ax < 1e15) {
    const scaled = ax * 10 ** prec;
    const frac = scaled - Math.floor(scaled);
    if (Math.abs(frac - 0.5) > 1e-6) return sign(x) + ax.toFixed(prec);
  }
  const exact = exactDecimal(ax);
  return sign(x) + fixedFromDecimal(roundDecimal(exact, exact.dp + prec), prec);
}

/** Go `%.{prec}e`. */
export function formatExp(x: number, prec: number): string {
  const sp = special(x);
  if (sp) return sp;
  const d = roundDecimal(exactDecimal(Math.abs(x)), prec + 1);
  return sign(x) + expFromDecimal(d, prec);
}

/** Go `%.{prec}g` (trailing zeros removed, as without the `#` flag). */
export function formatG(x: number, prec: number): string {
  const sp = special(x);
  if (sp) return sp;
  if (prec === 0) prec = 1;
  const d = roundDecimal(exactDecimal(Math.abs(x)), prec);
  const nd = d.digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    return sign(x) + expFromDecimal(d, Math.min(prec, nd) - 1);
  }
  const p = prec > d.dp ? nd : prec;
  return sign(x) + fixedFromDecimal(d, Math.max(p - d.dp, 0));
}

/** Number of Unicode code points, which is what Go's `%Ns` width counts. */
export function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** Go `%{width}s`: right-aligned, padded with spaces to `width` runes. */
export function padStart(s: string, width: number): string {
  const n = runeCount(s);
  return n >= width ? s : " ".repeat(width - n) + s;
}

/** Go `%-{width}s`: left-aligned, padded with spaces to `width` runes. */
export function padEnd(s: string, width: number): string {
  const n = runeCount(s);
  return n >= width ? s : s + " ".repeat(width - n);
}

/** Compares strings by code point, which is Go's byte-wise UTF-8 order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Surrogates encode code points above U+FFFF, which sort after U+E000..U+FFFF.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}
