/**
 * Rust symbol names: the v0 mangling (`_R…`, RFC 2603), printed while it is
 * parsed, and the legacy mangling (`_ZN…17h<16 hex digits>E`), whose hash is
 * dropped. Both print as the demangler pprof uses prints them.
 *
 * @module
 */

const FAIL = { demangle: "failed" } as const;
function fail(): never {
  throw FAIL;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const C = (ch: string) => ch.charCodeAt(0);
const cB = C("B"), cE = C("E"), cG = C("G"), cK = C("K"), cL = C("L"), cU = C("U"), c_ = C("_");

const BASIC_TYPES: Record<string, string> = {
  a: "i8",
  b: "bool",
  c: "char",
  d: "f64",
  e: "str",
  f: "f32",
  h: "u8",
  i: "isize",
  j: "usize",
  l: "i32",
  m: "u32",
  n: "i128",
  o: "u128",
  p: "_",
  s: "i16",
  t: "u16",
  u: "()",
  v: "...",
  x: "i64",
  y: "u64",
  z: "!",
};

/** Demangles a v0 Rust symbol (`_R…`); returns null when it does not parse. A `.suffix` is dropped. */
export function demangleRustV0(name: string): string | null {
  const dot = name.indexOf(".");
  const body = (dot >= 0 ? name.slice(0, dot) : name).slice(2);
  const r = new RustV0(body);
  try {
    r.symbolName();
    if (r.pos < r.end) fail();
  } catch (e) {
    if (e === FAIL) return null;
    throw e;
  }
  return r.out;
}

class RustV0 {
  pos = 0;
  end: number;
  out = "";
  /** Parse without printing (the instantiating crate, impl paths). */
  skip = false;
  /** Number of bound lifetimes in scope. */
  lifetimes = 0;
  last = 0;

  constructor(readonly s: string) {
    this.end = s.length;
  }

  peek(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : -1;
  }
  rest(): number {
    return this.end - this.pos;
  }
  expect(c: number): void {
    if (this.peek() !== c) fail();
    this.pos++;
  }
  write(s: string): void {
    if (this.skip || s.length === 0) return;
    this.last = s.charCodeAt(s.length - 1);
    this.out += s;
  }
  /** Writes a number; like the reference, it records the last character as '0'. */
  writeNumber(s: string, last: number): void {
    if (this.skip) return;
    this.out += s;
    this.last = last;
  }

  symbolName(): void {
    if (this.rest() < 1) fail();
    if (isDigit(this.peek())) fail(); // an encoding version: unsupported
    this.path(true);
    if (this.rest() > 0) {
      this.skip = true; // the instantiating crate
      this.path(false);
    }
  }

  /** `needsSeparator`: write `::` before generic arguments (not inside a type). */
  path(needsSeparator: boolean): void {
    if (this.rest() < 1) fail();
    const c = String.fromCharCode(this.peek());
    switch (c) {
      case "C":
        this.pos++;
        this.write(this.identifier()[1]);
        return;
      case "M":
      case "X":
        this.pos++;
        this.implPath();
        this.write("<");
        this.type();
        if (c === "X") {
          this.write(" as ");
          this.path(false);
        }
        this.write(">");
        return;
      case "Y":
        this.pos++;
        this.write("<");
        this.type();
        this.write(" as ");
        this.path(false);
        this.write(">");
        return;
      case "N": {
        this.pos++;
        if (this.rest() < 1) fail();
        const ns = this.peek();
        const upper = ns >= 0x41 && ns <= 0x5a;
        if (!upper && !(ns >= 0x61 && ns <= 0x7a)) fail();
        this.pos++;
        this.path(needsSeparator);
        const [dis, ident] = this.identifier();
        if (upper) {
          this.write("::{");
          this.write(ns === C("C") ? "closure" : ns === C("S") ? "shim" : String.fromCharCode(ns));
          if (ident.length > 0) {
            this.write(":");
            this.write(ident);
          }
          this.writeNumber(`#${dis}}`, C("}"));
        } else {
          this.write("::");
          this.write(ident);
        }
        return;
      }
      case "I":
        this.pos++;
        this.path(needsSeparator);
        if (needsSeparator) this.write("::");
        this.write("<");
        this.genericArgs();
        this.write(">");
        this.expect(cE);
        return;
      case "B":
        this.backref(() => this.path(needsSeparator));
        return;
      default:
        fail();
    }
  }

  genericArgs(): void {
    let first = true;
    while (this.rest() > 0 && this.peek() !== cE) {
      if (!first) this.write(", ");
      first = false;
      this.genericArg();
    }
  }

  implPath(): void {
    const hold = this.skip;
    this.skip = true;
    try {
      this.disambiguator();
      this.path(false);
    } finally {
      this.skip = hold;
    }
  }

  identifier(): [number, string] {
    const dis = this.disambiguator();
    return [dis, this.undisambiguatedIdentifier()[0]];
  }

  disambiguator(): number {
    if (this.peek() !== C("s")) return 0;
    this.pos++;
    return this.base62() + 1;
  }

  undisambiguatedIdentifier(): [string, boolean] {
    let puny = false;
    if (this.peek() === C("u")) {
      this.pos++;
      puny = true;
    }
    const len = this.decimal();
    if (this.peek() === c_) this.pos++;
    if (this.rest() < len) fail();
    let id = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    if (!/^[0-9A-Za-z_]*$/.test(id)) fail();
    if (puny) id = punycode(id);
    return [id, puny];
  }

  decimal(): number {
    if (this.rest() === 0) fail();
    let val = 0;
    while (isDigit(this.peek())) {
      const add = this.peek() - 0x30;
      if (val >= 214748364 - add) fail();
      val = val * 10 + add;
      this.pos++;
    }
    return val;
  }

  genericArg(): void {
    if (this.rest() < 1) fail();
    const c = this.peek();
    if (c === cL) {
      this.pos++;
      this.lifetime(this.base62());
    } else if (c === cK) {
      this.pos++;
      this.constant();
    } else this.type();
  }

  binder(): void {
    if (this.peek() !== cG) return;
    this.pos++;
    const n = this.base62() + 1;
    // Every bound lifetime is used later, so there must be room for them.
    if (n >= this.rest() - this.lifetimes) fail();
    this.write("for<");
    for (let i = 0; i < n; i++) {
      if (i > 0) this.write(", ");
      this.lifetimes++;
      this.lifetime(1);
    }
    this.write("> ");
  }

  type(): void {
    if (this.rest() < 1) fail();
    const code = this.peek();
    const c = String.fromCharCode(code);
    if (code >= 0x61 && code <= 0x7a) {
      const t = BASIC_TYPES[c];
      if (t === undefined) fail();
      this.pos++;
      this.write(t);
      return;
    }
    switch (c) {
      case "C":
      case "M":
      case "X":
      case "Y":
      case "N":
      case "I":
        this.path(false);
        return;
      case "A":
      case "S":
        this.pos++;
        this.write("[");
        this.type();
        if (c === "A") {
          this.write("; ");
          this.constant();
        }
        this.write("]");
        return;
      case "T": {
        this.pos++;
        this.write("(");
        let n = 0;
        while (this.rest() > 0 && this.peek() !== cE) {
          if (n > 0) this.write(", ");
          n++;
          this.type();
        }
        if (n === 1) this.write(",");
        this.write(")");
        this.expect(cE);
        return;
      }
      case "R":
      case "Q":
        this.pos++;
        this.write("&");
        if (this.peek() === cL) {
          this.pos++;
          const lt = this.base62();
          if (lt > 0) {
            this.lifetime(lt);
            this.write(" ");
          }
        }
        if (c === "Q") this.write("mut ");
        this.type();
        return;
      case "P":
        this.pos++;
        this.write("*const ");
        this.type();
        return;
      case "O":
        this.pos++;
        this.write("*mut ");
        this.type();
        return;
      case "F": {
        this.pos++;
        const hold = this.lifetimes;
        this.fnSig();
        this.lifetimes = hold;
        return;
      }
      case "D": {
        this.pos++;
        const hold = this.lifetimes;
        this.dynBounds();
        this.lifetimes = hold;
        if (this.peek() !== cL) fail();
        this.pos++;
        const lt = this.base62();
        if (lt > 0) {
          if (this.last !== 0x20) this.write(" ");
          this.write("+ ");
          this.lifetime(lt);
        }
        return;
      }
      case "B":
        this.backref(() => this.type());
        return;
      default:
        fail();
    }
  }

  fnSig(): void {
    this.binder();
    if (this.peek() === cU) {
      this.pos++;
      this.write("unsafe ");
    }
    if (this.peek() === cK) {
      this.pos++;
      if (this.peek() === C("C")) {
        this.pos++;
        this.write('extern "C" ');
      } else {
        this.write('extern "');
        const [id, puny] = this.undisambiguatedIdentifier();
        if (puny) fail();
        this.write(id.replaceAll("_", "-"));
        this.write('" ');
      }
    }
    this.write("fn(");
    let first = true;
    while (this.rest() > 0 && this.peek() !== cE) {
      if (!first) this.write(", ");
      first = false;
      this.type();
    }
    this.expect(cE);
    this.write(")");
    if (this.peek() === C("u")) this.pos++;
    else {
      this.write(" -> ");
      this.type();
    }
  }

  dynBounds(): void {
    this.write("dyn ");
    this.binder();
    let first = true;
    while (this.rest() > 0 && this.peek() !== cE) {
      if (!first) this.write(" + ");
      first = false;
      this.dynTrait();
    }
    this.expect(cE);
  }

  dynTrait(): void {
    let started = this.pathStartGenerics();
    while (this.peek() === C("p")) {
      this.pos++;
      if (started) this.write(", ");
      else {
        this.write("<");
        started = true;
      }
      this.write(this.undisambiguatedIdentifier()[0]);
      this.write(" = ");
      this.type();
    }
    if (started) this.write(">");
  }

  /** Like path, but leaves generic arguments open (for associated-type bindings); true when it opened them. */
  pathStartGenerics(): boolean {
    if (this.rest() < 1) fail();
    const c = this.peek();
    if (c === C("I")) {
      this.pos++;
      this.path(false);
      this.write("<");
      this.genericArgs();
      this.expect(cE);
      return true;
    }
    if (c === cB) {
      let started = false;
      this.backref(() => {
        started = this.pathStartGenerics();
      });
      return started;
    }
    this.path(false);
    return false;
  }

  lifetime(lt: number): void {
    this.write("'");
    if (lt === 0) {
      this.write("_");
      return;
    }
    const depth = this.lifetimes - lt;
    if (depth < 0) fail();
    if (depth < 26) this.write(String.fromCharCode(0x61 + depth));
    else {
      this.write("z");
      this.writeNumber(String(depth - 26 + 1), 0x30);
    }
  }

  constant(): void {
    if (this.rest() < 1) fail();
    const t = this.peek();
    if (t === cB) {
      this.backref(() => this.constant());
      return;
    }
    if (t === C("p")) {
      this.pos++;
      this.write("_");
      return;
    }
    const tc = String.fromCharCode(t);
    const kind = "aslxni".includes(tc)
      ? "signed"
      : "htmyoj".includes(tc)
      ? "unsigned"
      : tc === "b"
      ? "bool"
      : tc === "c"
      ? "char"
      : fail();
    this.pos++;
    if (kind === "signed" && this.peek() === C("n")) {
      this.pos++;
      this.write("-");
    }
    const start = this.pos;
    let digits = 0;
    let val = 0n;
    for (;;) {
      if (this.rest() === 0) break;
      const c = this.peek();
      let digit: number;
      if (isDigit(c)) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c === c_) {
        this.pos++;
        break;
      } else fail();
      this.pos++;
      if (val === 0n && digit === 0 && this.peek() !== c_) fail(); // no leading zeros
      val = (val * 16n + BigInt(digit)) & 0xffffffffffffffffn;
      digits++;
    }
    if (digits === 0) fail();
    if (kind === "signed" || kind === "unsigned") {
      if (digits > 16) this.write("0x" + this.s.slice(start, start + digits));
      else this.writeNumber(val.toString(), 0x30);
      return;
    }
    if (kind === "bool") {
      if (digits > 1 || val > 1n) fail();
      this.write(val === 0n ? "false" : "true");
      return;
    }
    if (digits > 6) fail();
    const v = Number(val);
    this.write("'");
    const escapes: Record<number, string> = { 9: "\\t", 13: "\\r", 10: "\\n", 92: "\\\\", 39: "\\'" };
    if (escapes[v] !== undefined) this.write(escapes[v]);
    else if (v >= 0x20 && v <= 0x7e) this.write(String.fromCharCode(v));
    else this.writeNumber(`\\u{${v.toString(16)}}`, C("}"));
    this.write("'");
  }

  base62(): number {
    if (this.peek() === c_) {
      this.pos++;
      return 0;
    }
    let val = 0;
    while (this.rest() > 0) {
      const c = this.peek();
      this.pos++;
      if (c === c_) return val + 1;
      val *= 62;
      if (isDigit(c)) val += c - 0x30;
      else if (c >= 0x61 && c <= 0x7a) val += c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x5a) val += c - 0x41 + 36;
      else fail();
    }
    fail();
  }

  /** A back reference to an earlier position: parse from there (only as far as the reference itself). */
  backref(parse: () => void): void {
    const at = this.pos;
    this.expect(cB);
    const idx = this.base62();
    if (this.skip) return;
    if (idx < 0 || idx >= at) fail();
    const holdPos = this.pos, holdEnd = this.end;
    this.pos = idx;
    this.end = at;
    try {
      parse();
    } finally {
      this.pos = holdPos;
      this.end = holdEnd;
    }
  }
}

/** Decodes Rust's punycode (RFC 3492 with `_` as the delimiter). */
function punycode(s: string): string {
  const base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
  const idx = s.lastIndexOf("_");
  const output: number[] = [];
  let encoding = s;
  if (idx >= 0) {
    for (let i = 0; i < idx; i++) output.push(s.charCodeAt(i));
    encoding = s.slice(idx + 1);
  }
  let i = 0, n = 128, bias = 72, pos = 0;
  while (pos < encoding.length) {
    const oldI = i;
    let w = 1;
    for (let k = base;; k += base) {
      if (pos === encoding.length) fail();
      const d = encoding.charCodeAt(pos++);
      let digit: number;
      if (isDigit(d)) digit = d - 0x30 + 26;
      else if (d >= 0x41 && d <= 0x5a) digit = d - 0x41;
      else if (d >= 0x61 && d <= 0x7a) digit = d - 0x61;
      else fail();
      i += digit * w;
      const t = k <= bias ? tmin : k > bias + tmax ? tmax : k - bias;
      if (digit < t) break;
      if (w >= Math.floor(2147483647 / base)) fail();
      w *= base - t;
    }
    let delta = i - oldI;
    const numPoints = output.length + 1;
    delta = oldI === 0 ? Math.floor(delta / damp) : Math.floor(delta / 2);
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > Math.floor(((base - tmin) * tmax) / 2)) {
      delta = Math.floor(delta / (base - tmin));
      k += base;
    }
    bias = k + Math.floor(((base - tmin + 1) * delta) / (delta + skew));
    n += Math.floor(i / (output.length + 1));
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) fail();
    i %= output.length + 1;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

const HEX = (c: number) => (isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1);
const ESCAPES: Record<string, string> = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")" };

/**
 * Demangles a legacy Rust symbol, given without its clone suffix and known to
 * start with `_ZN` and end with `17h` + 16 characters + `E`. Returns null when
 * it is not one (the hash must be hex with at least 5 distinct digits).
 */
export function demangleRustLegacy(mangled: string): string | null {
  let name = mangled.slice(3);
  let seen = 0;
  for (let i = name.length - 17; i < name.length - 1; i++) {
    const d = HEX(name.charCodeAt(i));
    if (d < 0) return null;
    seen |= 1 << d;
  }
  let distinct = 0;
  for (; seen !== 0; seen &= seen - 1) distinct++;
  if (distinct < 5) return null;
  name = name.slice(0, name.length - 20);
  let out = "";
  while (name.length > 0) {
    if (!isDigit(name.charCodeAt(0))) return null;
    let val = 0, i = 0;
    while (i < name.length && isDigit(name.charCodeAt(i))) {
      const add = name.charCodeAt(i) - 0x30;
      if (val >= 214748364 - add) return null;
      val = val * 10 + add;
      i++;
    }
    name = name.slice(i);
    // An underscore may separate the length from the identifier.
    if (name.charCodeAt(0) === c_) {
      name = name.slice(1);
      val--;
    }
    if (val < 0 || name.length < val) return null;
    let id = name.slice(0, val);
    name = name.slice(val);
    if (out.length > 0) out += "::";
    if (id.startsWith("_$")) id = id.slice(1);
    while (id.length > 0) {
      const c = id[0];
      if (c === "$") {
        let ok = true;
        if (id.length > 2 && id[1] === "C" && id[2] === "$") {
          out += ",";
          id = id.slice(3);
        } else if (id.length > 4 && id[1] === "u" && id[4] === "$") {
          const d1 = HEX(id.charCodeAt(2)), d2 = HEX(id.charCodeAt(3));
          const v = (d1 << 4) | d2;
          if (d1 < 0 || d2 < 0 || d1 > 7 || v < 0x20) ok = false;
          else {
            out += String.fromCharCode(v);
            id = id.slice(5);
          }
        } else if (id.length > 3 && id[3] === "$") {
          const e = Object.hasOwn(ESCAPES, id.slice(1, 3)) ? ESCAPES[id.slice(1, 3)] : undefined;
          if (e === undefined) ok = false;
          else {
            out += e;
            id = id.slice(4);
          }
        } else ok = false;
        if (!ok) {
          out += id;
          break;
        }
      } else if (c === ".") {
        if (id.startsWith("..")) {
          out += "::";
          id = id.slice(2);
        } else {
          out += ".";
          id = id.slice(1);
        }
      } else {
        out += c;
        id = id.slice(1);
      }
    }
  }
  return out;
}
