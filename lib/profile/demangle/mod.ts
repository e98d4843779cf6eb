/**
 * Demangles C++ (Itanium ABI) and Rust symbol names exactly as the demangler
 * that `go tool pprof` uses (github.com/ianlancetaylor/demangle, the version
 * vendored in Go 1.19) prints them, with its options; a name that does not
 * demangle comes back unchanged.
 *
 * @module
 */
import { mk, type Node } from "./ast.ts";
import { isParseFailure, parseEncoding, parseGlobalCDtor } from "./itanium.ts";
import { printAst } from "./print.ts";
import { demangleRustLegacy, demangleRustV0 } from "./rust.ts";

/** The demangler's options (pprof passes a fixed set per `-symbolize=demangle=` mode). */
export interface DemangleOptions {
  /** Leave out function parameters, the return type, method qualifiers and clone suffixes. */
  noParams?: boolean;
  /** Leave out template argument lists. */
  noTemplateParams?: boolean;
  /** Leave out GCC clone suffixes such as `[clone .cold]`. */
  noClones?: boolean;
}

const UNDERSCORE = 0x5f;

/**
 * Demangles `name`, or returns it unchanged when it is not a mangled name the
 * demangler accepts. Names that do not start like one (`_Z`, `_R`, `___Z`,
 * `_GLOBAL_`) return at once.
 */
export function demangle(name: string, o: DemangleOptions = {}): string {
  if (name.charCodeAt(0) !== UNDERSCORE) return name;
  const c1 = name.charCodeAt(1);
  if (c1 !== 0x5a /* Z */ && c1 !== 0x52 /* R */ && c1 !== UNDERSCORE && c1 !== 0x47 /* G */) return name;
  if (c1 === 0x52) return demangleRustV0(name) ?? name;
  // The demangler works on bytes: lengths in a mangled name count UTF-8 bytes.
  const ascii = isAscii(name);
  const bytes = ascii ? name : binaryString(name);
  let out: string | null;
  try {
    out = demangleBytes(bytes, o);
  } catch (e) {
    if (isParseFailure(e)) return name;
    throw e;
  }
  if (out === null) return name;
  return ascii ? out : fromBinaryString(out);
}

function demangleBytes(name: string, o: DemangleOptions): string | null {
  if (name.startsWith("_ZN")) {
    // Legacy Rust: _ZN … 17h<16 hex digits>E, possibly followed by a ".suffix".
    let r = name;
    const dot = r.lastIndexOf("E.");
    if (dot > 0) r = r.slice(0, dot + 1);
    if (r.endsWith("E") && r.length > 23 && r.slice(r.length - 20, r.length - 17) === "17h") {
      const rust = demangleRustLegacy(r);
      if (rust !== null) return rust;
    }
  }
  const ast = parse(name, o);
  if (ast === null) return null;
  try {
    return printAst(ast, !o.noTemplateParams);
  } catch {
    return null; // a tree the printer cannot print (the reference would panic)
  }
}

function parse(name: string, o: DemangleOptions): Node | null {
  const params = !o.noParams;
  const clones = params && !o.noClones;
  if (name.startsWith("_Z")) return parseEncoding(name.slice(2), { params, clones });
  if (name.startsWith("___Z")) {
    // clang's blocks: ___Z<encoding>_block_invoke[_<n>][.suffix]
    const block = name.lastIndexOf("_block_invoke");
    if (block < 0) return null;
    const a = parseEncoding(name.slice(4, block), { params, clones });
    let rest = name.slice(block + "_block_invoke".length);
    if (rest.startsWith("_")) rest = rest.slice(1);
    rest = rest.replace(/^[0-9]+/, "");
    if (rest.length > 0 && rest[0] !== ".") return null;
    return mk("Special", { s: "invocation function for block in ", a });
  }
  if (name.startsWith("_GLOBAL_")) {
    // Global constructors keep their parameters even without params, as the GNU demangler does.
    return parseGlobalCDtor(name.slice(8), { params: true, clones: !o.noClones });
  }
  return null;
}

const NON_ASCII = /[\u0080-\uffff]/;
const isAscii = (s: string) => !NON_ASCII.test(s);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One character per UTF-8 byte of `s`. */
function binaryString(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) out += String.fromCharCode(b);
  return out;
}

function fromBinaryString(s: string): string {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return decoder.decode(bytes);
}
