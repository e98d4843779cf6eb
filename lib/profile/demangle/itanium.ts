/**
 * Parses Itanium C++ ABI mangled names (`_Z…`, GCC's and clang's extensions)
 * into the syntax tree of `ast.ts`, as the demangler pprof uses does: the same
 * grammar, the same substitution table and template-parameter binding, the
 * same tolerance of compiler quirks, and the same refusals.
 *
 * @module
 */
import {
  copyNode,
  mk,
  mk1,
  mk2,
  mkL,
  mkN,
  mkS,
  nameNode,
  newVisit,
  type Node,
  templateParamNode,
  traverse,
} from "./ast.ts";

/** Thrown (never as an Error, to skip stack capture) when a name does not parse. */
const FAIL = { demangle: "failed" } as const;
function fail(): never {
  throw FAIL;
}

/** True when `e` is the parser's failure signal. */
export function isParseFailure(e: unknown): boolean {
  return e === FAIL;
}

/** What to parse: without `params` a function's parameters are not read (nor anything after them). */
export interface ParseOptions {
  params: boolean;
  clones: boolean;
}

const std = () => nameNode("std");
const stdName = (n: string) => mk2("Qualified", std(), nameNode(n));
const builtin = (s: string) => mkS("BuiltinType", s);

// The standard abbreviations. Identity matters: a type that is one of these
// exact nodes is not a substitution candidate.
const STD_SUBS: Record<string, Node> = {
  t: std(),
  a: stdName("allocator"),
  b: stdName("basic_string"),
  s: stdName("string"),
  i: stdName("istream"),
  o: stdName("ostream"),
  d: stdName("iostream"),
};

const charTraits = () => mkL("Template", stdName("char_traits"), [builtin("char")]);
// The long forms, used before a constructor or destructor name (std::basic_string<…>::basic_string()).
const STD_SUBS_LONG: Record<string, Node> = {
  t: std(),
  a: stdName("allocator"),
  b: stdName("basic_string"),
  s: mkL("Template", stdName("basic_string"), [
    builtin("char"),
    charTraits(),
    mkL("Template", stdName("allocator"), [builtin("char")]),
  ]),
  i: mkL("Template", stdName("basic_istream"), [builtin("char"), charTraits()]),
  o: mkL("Template", stdName("basic_ostream"), [builtin("char"), charTraits()]),
  d: mkL("Template", stdName("basic_iostream"), [builtin("char"), charTraits()]),
};

const BUILTIN_TYPES: Record<string, string> = {
  a: "signed char",
  b: "bool",
  c: "char",
  d: "double",
  e: "long double",
  f: "float",
  g: "__float128",
  h: "unsigned char",
  i: "int",
  j: "unsigned int",
  l: "long",
  m: "unsigned long",
  n: "__int128",
  o: "unsigned __int128",
  s: "short",
  t: "unsigned short",
  v: "void",
  w: "wchar_t",
  x: "long long",
  y: "unsigned long long",
  z: "...",
};

const D_BUILTIN_TYPES: Record<string, string> = {
  f: "decimal32",
  d: "decimal64",
  e: "decimal128",
  h: "half",
  u: "char8_t",
  s: "char16_t",
  i: "char32_t",
  n: "decltype(nullptr)",
};

/** Operator codes: printed text and arity in expressions. */
const OPERATORS = new Map<string, [string, number]>([
  ["aN", ["&=", 2]],
  ["aS", ["=", 2]],
  ["aa", ["&&", 2]],
  ["ad", ["&", 1]],
  ["an", ["&", 2]],
  ["at", ["alignof ", 1]],
  ["aw", ["co_await ", 1]],
  ["az", ["alignof ", 1]],
  ["cc", ["const_cast", 2]],
  ["cl", ["()", 2]],
  ["cp", ["()", 2]],
  ["cm", [",", 2]],
  ["co", ["~", 1]],
  ["dV", ["/=", 2]],
  ["dX", ["[...]=", 3]],
  ["da", ["delete[] ", 1]],
  ["dc", ["dynamic_cast", 2]],
  ["de", ["*", 1]],
  ["di", ["=", 2]],
  ["dl", ["delete ", 1]],
  ["ds", [".*", 2]],
  ["dt", [".", 2]],
  ["dv", ["/", 2]],
  ["dx", ["]=", 2]],
  ["eO", ["^=", 2]],
  ["eo", ["^", 2]],
  ["eq", ["==", 2]],
  ["fl", ["...", 2]],
  ["fr", ["...", 2]],
  ["fL", ["...", 3]],
  ["fR", ["...", 3]],
  ["ge", [">=", 2]],
  ["gs", ["::", 1]],
  ["gt", [">", 2]],
  ["ix", ["[]", 2]],
  ["lS", ["<<=", 2]],
  ["le", ["<=", 2]],
  ["li", ['operator"" ', 1]],
  ["ls", ["<<", 2]],
  ["lt", ["<", 2]],
  ["mI", ["-=", 2]],
  ["mL", ["*=", 2]],
  ["mi", ["-", 2]],
  ["ml", ["*", 2]],
  ["mm", ["--", 1]],
  ["na", ["new[]", 3]],
  ["ne", ["!=", 2]],
  ["ng", ["-", 1]],
  ["nt", ["!", 1]],
  ["nw", ["new", 3]],
  ["nx", ["noexcept", 1]],
  ["oR", ["|=", 2]],
  ["oo", ["||", 2]],
  ["or", ["|", 2]],
  ["pL", ["+=", 2]],
  ["pl", ["+", 2]],
  ["pm", ["->*", 2]],
  ["pp", ["++", 1]],
  ["ps", ["+", 1]],
  ["pt", ["->", 2]],
  ["qu", ["?", 3]],
  ["rM", ["%=", 2]],
  ["rS", [">>=", 2]],
  ["rc", ["reinterpret_cast", 2]],
  ["rm", ["%", 2]],
  ["rs", [">>", 2]],
  ["sP", ["sizeof...", 1]],
  ["sZ", ["sizeof...", 1]],
  ["sc", ["static_cast", 2]],
  ["ss", ["<=>", 2]],
  ["st", ["sizeof ", 1]],
  ["sz", ["sizeof ", 1]],
  ["tr", ["throw", 0]],
  ["tw", ["throw ", 1]],
]);

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;

const C = (ch: string) => ch.charCodeAt(0);
const cA = C("A"), cB = C("B"), cC = C("C"), cD = C("D"), cE = C("E"), cF = C("F"), cG = C("G"), cI = C("I");
const cJ = C("J"), cL = C("L"), cM = C("M"), cN = C("N"), cO = C("O"), cP = C("P"), cR = C("R"), cS = C("S");
const cT = C("T"), cU = C("U"), cX = C("X"), cY = C("Y"), cZ = C("Z");
const c_ = C("_"), cDot = C(".");
const ca = C("a"), cb = C("b"), cc = C("c"), cd = C("d"), ce = C("e"), cf = C("f"), ci = C("i"), cl = C("l");
const cm = C("m"), cn = C("n"), co = C("o"), cp = C("p"), cr = C("r"), cs = C("s"), ct = C("t"), cu = C("u");
const cv = C("v"), cw = C("w"), cx = C("x"), cy = C("y"), cV = C("V");

/** Parses the part of a mangled name after `_Z`. Throws the failure signal when it does not parse. */
export function parseEncoding(str: string, o: ParseOptions): Node {
  const p = new Parser(str);
  let a = p.encoding(o.params, false);
  if (o.clones) {
    while (p.rest() > 1 && p.at(0) === cDot && (isLower(p.at(1)) || p.at(1) === c_ || isDigit(p.at(1)))) {
      a = p.cloneSuffix(a);
    }
    if (p.rest() > 0) fail();
  }
  return a;
}

/** Parses the part of `_GLOBAL_[._$][ID]_…` after `_GLOBAL_`: a global constructor or destructor. */
export function parseGlobalCDtor(str: string, o: ParseOptions): Node {
  if (str.length < 4) fail();
  const c0 = str.charCodeAt(0), c1 = str.charCodeAt(1);
  if (c0 !== cDot && c0 !== c_ && c0 !== C("$")) fail();
  if (c1 !== cI && c1 !== cD) fail();
  if (str.charCodeAt(2) !== c_) fail();
  const key = str.startsWith("_Z", 3) ? parseEncoding(str.slice(5), o) : nameNode(str);
  return mk("GlobalCDtor", { f: c1 === cI, a: key });
}

class Parser {
  pos = 0;
  subs: Node[] = [];
  /** Templates whose parameters are in scope; null marks a cast operator's type, bound later. */
  templates: (Node | null)[] = [];
  /** The template depth when a lambda began, plus one (0: not in a lambda). */
  lambdaLevel = 0;
  typeParams = 0;
  nonTypeParams = 0;
  templateTemplateParams = 0;

  constructor(readonly s: string) {}

  at(i: number): number {
    return this.s.charCodeAt(this.pos + i);
  }
  rest(): number {
    return this.s.length - this.pos;
  }
  is(c: number): boolean {
    return this.s.charCodeAt(this.pos) === c;
  }
  startsWith(prefix: string): boolean {
    return this.s.startsWith(prefix, this.pos);
  }
  advance(n: number): void {
    if (this.rest() < n) fail();
    this.pos += n;
  }
  expect(c: number): void {
    if (!this.is(c)) fail();
    this.pos++;
  }

  encoding(params: boolean, forLocalName: boolean): Node {
    if (this.rest() < 1) fail();
    if (this.is(cG) || this.is(cT)) return this.specialName();
    let a = simplify(this.name());
    if (!params) {
      // Qualifiers on the implicit `this` go with the parameters.
      if (a.k === "MethodWithQualifiers") a = a.a!;
      if (a.k === "Qualified" && a.f) {
        const holder = a.b!.k === "DefaultArg" ? a.b! : a;
        const slot = holder === a ? "b" : "a";
        const inner = holder[slot]!;
        if (inner.k === "MethodWithQualifiers") holder[slot] = inner.a;
      }
      return a;
    }
    if (this.rest() === 0 || this.is(cE)) return a; // data, not a function
    const mwq = a.k === "MethodWithQualifiers" ? a : null;
    const template = findTemplate(a);
    let oldLambda = 0;
    if (template !== null) {
      this.templates.push(template);
      oldLambda = this.lambdaLevel;
      this.lambdaLevel = 0;
    }
    let enableIf: Node[] = [];
    if (this.startsWith("Ua9enable_ifI")) {
      this.advance(12);
      enableIf = this.templateArgs();
    }
    let ft = this.bareFunctionType(hasReturnType(a));
    if (template !== null) {
      this.templates.pop();
      this.lambdaLevel = oldLambda;
    }
    ft = simplify(ft);
    if (forLocalName && ft.k === "FunctionType") ft.f = true;
    if (mwq !== null) {
      a = mwq.a!;
      mwq.a = ft;
      ft = mwq;
    }
    if (a.k === "Qualified" && a.f) {
      const holder = a.b!.k === "DefaultArg" ? a.b! : a;
      const slot = holder === a ? "b" : "a";
      const inner = holder[slot]!;
      if (inner.k === "MethodWithQualifiers") {
        holder[slot] = inner.a;
        inner.a = ft;
        ft = inner;
      }
    }
    let r = mk2("Typed", a, ft);
    if (enableIf.length > 0) r = mkL("EnableIf", r, enableIf);
    return r;
  }

  taggedName(a: Node): Node {
    while (this.is(cB)) {
      this.pos++;
      a = mk2("TaggedName", a, this.sourceName());
    }
    return a;
  }

  name(): Node {
    if (this.rest() < 1) fail();
    const c = this.at(0);
    if (c === cN) return this.nestedName();
    if (c === cZ) return this.localName();
    if (c === cU) {
      const [a, isCast] = this.unqualifiedName();
      if (isCast) this.setTemplate(a, null);
      return a;
    }
    let a: Node, isCast = false, fromSubst = false;
    if (c === cS) {
      if (this.rest() < 2) fail();
      if (this.at(1) === ct) {
        this.advance(2);
        [a, isCast] = this.unqualifiedName();
        a = mk2("Qualified", std(), a);
      } else {
        a = this.substitution(false);
        fromSubst = true;
      }
    } else {
      [a, isCast] = this.unqualifiedName();
    }
    if (this.is(cI)) {
      // An unscoped template name is a substitution candidate unless it came from one.
      if (!fromSubst) this.subs.push(a);
      const args = this.templateArgs();
      const tmpl = mkL("Template", a, args);
      if (isCast) {
        this.setTemplate(a, tmpl);
        this.clearTemplateArgs(args);
        isCast = false;
      }
      a = tmpl;
    }
    if (isCast) this.setTemplate(a, null);
    return a;
  }

  nestedName(): Node {
    this.expect(cN);
    const q = this.cvQualifiers();
    const r = this.refQualifier();
    let a = this.prefix();
    if (q !== null || r !== "") a = mk("MethodWithQualifiers", { a, b: q, s: r });
    if (!this.is(cE)) fail();
    this.pos++;
    return a;
  }

  prefix(): Node {
    let a: Node | null = null;
    let last: Node | null = null; // the last component, for a constructor's or destructor's name
    let isCast = false;
    for (;;) {
      if (this.rest() === 0) fail();
      let next: Node;
      const c = this.at(0);
      if (isDigit(c) || isLower(c) || c === cU || c === cL || (c === cD && this.at(1) === cC)) {
        const [un, unCast] = this.unqualifiedName();
        next = un;
        if (unCast) isCast = true;
      } else if (c === cC) {
        this.pos++;
        let inheriting = false;
        if (this.is(cI)) {
          inheriting = true;
          this.pos++;
        }
        if (this.rest() < 1 || last === null) fail();
        this.pos++;
        const base = inheriting ? this.demangleType(false) : null;
        next = mk2("Constructor", lastComponent(last), base);
        if (this.is(cB)) next = this.taggedName(next);
      } else if (c === cD) {
        if (this.at(1) === cT || this.at(1) === ct) next = this.demangleType(false);
        else {
          if (this.rest() < 2 || last === null) fail();
          this.advance(2);
          next = mk1("Destructor", lastComponent(last));
          if (this.is(cB)) next = this.taggedName(next);
        }
      } else if (c === cS) {
        next = this.substitution(true);
      } else if (c === cI || c === cJ) {
        if (a === null) fail();
        let args: Node[];
        if (c === cI) args = this.templateArgs();
        else {
          // clang sometimes writes template arguments with a J and no I.
          args = [];
          while (!this.is(cE)) args.push(this.templateArg());
          this.pos++;
        }
        const tmpl = mkL("Template", a, args);
        if (isCast) {
          this.setTemplate(a, tmpl);
          this.clearTemplateArgs(args);
          isCast = false;
        }
        a = null;
        next = tmpl;
      } else if (c === cT) {
        next = this.templateParam();
      } else if (c === cE) {
        if (a === null) fail();
        if (isCast) this.setTemplate(a, null);
        return a;
      } else if (c === cM) {
        // A lambda's initializer scope: nothing to record.
        if (a === null) fail();
        this.pos++;
        continue;
      } else fail();
      last = next;
      a = a === null ? next : mk2("Qualified", a, next);
      if (c !== cS && !this.is(cE)) this.subs.push(a);
    }
  }

  unqualifiedName(): [Node, boolean] {
    if (this.rest() < 1) fail();
    let a: Node;
    let isCast = false;
    const c = this.at(0);
    if (isDigit(c)) a = this.sourceName();
    else if (isLower(c)) {
      [a] = this.operatorName(false);
      if (a.k === "Cast") isCast = true;
      if (a.k === "Operator" && a.s === 'operator"" ') {
        a = mk2("Unary", a, this.sourceName());
      }
    } else if (c === cD && this.at(1) === cC) {
      this.advance(2);
      const bindings: Node[] = [];
      for (;;) {
        bindings.push(this.sourceName());
        if (this.is(cE)) {
          this.pos++;
          break;
        }
      }
      a = mkL("StructuredBindings", null, bindings);
    } else if (c === cL) {
      this.pos++;
      a = this.discriminator(this.sourceName());
    } else if (c === cU) {
      if (this.rest() < 2) fail();
      const c2 = this.at(1);
      if (c2 === cb) {
        this.advance(2);
        this.compactNumber();
        a = nameNode("'block-literal'");
      } else if (c2 === cl) a = this.closureTypeName();
      else if (c2 === ct) a = this.unnamedTypeName();
      else fail();
    } else fail();
    if (this.is(cB)) a = this.taggedName(a);
    return [a, isCast];
  }

  sourceName(): Node {
    const len = this.number();
    if (len <= 0 || this.rest() < len) fail();
    let id = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    // GCC's name for an anonymous namespace.
    if (id.length > 10 && id.startsWith("_GLOBAL_")) {
      const c1 = id.charCodeAt(8);
      if ((c1 === cDot || c1 === c_ || c1 === C("$")) && id.charCodeAt(9) === cN) id = "(anonymous namespace)";
    }
    return nameNode(id);
  }

  number(): number {
    let neg = false;
    if (this.is(cn)) {
      neg = true;
      this.pos++;
    }
    if (!isDigit(this.at(0))) fail();
    let val = 0;
    while (isDigit(this.at(0))) {
      if (val >= 214748354) fail(); // anything this large is bogus
      val = val * 10 + this.at(0) - 0x30;
      this.pos++;
    }
    return neg ? -val : val;
  }

  seqID(eofOK: boolean): number {
    if (this.is(c_)) {
      this.pos++;
      return 0;
    }
    let id = 0;
    for (;;) {
      if (this.rest() === 0) {
        if (eofOK) return id + 1;
        fail();
      }
      if (id >= 59652287) fail();
      const c = this.at(0);
      if (c === c_) {
        this.pos++;
        return id + 1;
      }
      if (isDigit(c)) id = id * 36 + c - 0x30;
      else if (isUpper(c)) id = id * 36 + c - cA + 10;
      else fail();
      this.pos++;
    }
  }

  operatorName(inExpression: boolean): [Node, number] {
    if (this.rest() < 2) fail();
    const code = this.s.slice(this.pos, this.pos + 2);
    this.pos += 2;
    if (code.charCodeAt(0) === cv && isDigit(code.charCodeAt(1))) {
      return [mkS("Operator", this.sourceName().s), code.charCodeAt(1) - 0x30];
    }
    if (code === "cv") {
      // The target type's template parameters may be bound by template arguments that follow.
      if (!inExpression) this.templates.push(null);
      const t = this.demangleType(!inExpression);
      if (!inExpression) this.templates.pop();
      return [mk1("Cast", t), 1];
    }
    const op = OPERATORS.get(code);
    if (op === undefined) fail();
    return [mkS("Operator", op[0]), op[1]];
  }

  localName(): Node {
    this.expect(cZ);
    const fn = this.encoding(true, true);
    if (!this.is(cE)) fail();
    this.pos++;
    if (this.is(cs)) {
      this.pos++;
      return mk("Qualified", { a: fn, b: this.discriminator(nameNode("string literal")), f: true });
    }
    let num = -1;
    if (this.is(cd)) {
      this.pos++;
      num = this.compactNumber();
    }
    let n = this.discriminator(this.name());
    if (num >= 0) n = mk("DefaultArg", { n: num, a: n });
    return mk("Qualified", { a: fn, b: n, f: true });
  }

  javaResource(): Node {
    let len = this.number();
    if (len <= 1 || !this.is(c_)) fail();
    this.pos++;
    len--;
    if (this.rest() < len) fail();
    const str = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    let out = "";
    for (let i = 0; i < str.length; i++) {
      if (str[i] !== "$") {
        out += str[i];
        continue;
      }
      if (++i >= str.length) fail();
      const r = str[i] === "S" ? "/" : str[i] === "_" ? "." : str[i] === "$" ? "$" : undefined;
      if (r === undefined) fail();
      out += r;
    }
    return mk("Special", { s: "java resource ", a: nameNode(out) });
  }

  specialName(): Node {
    const special = (s: string, a: Node) => mk("Special", { s, a });
    if (this.is(cT)) {
      this.pos++;
      if (this.rest() === 0) fail();
      const c = this.at(0);
      this.pos++;
      switch (c) {
        case cV:
          return special("vtable for ", this.demangleType(false));
        case cT:
          return special("VTT for ", this.demangleType(false));
        case cI:
          return special("typeinfo for ", this.demangleType(false));
        case cS:
          return special("typeinfo name for ", this.demangleType(false));
        case cA:
          return special("template parameter object for ", this.templateArg());
        case C("h"):
          this.callOffset(c);
          return special("non-virtual thunk to ", this.encoding(true, false));
        case cv:
          this.callOffset(c);
          return special("virtual thunk to ", this.encoding(true, false));
        case cc:
          this.callOffset(0);
          this.callOffset(0);
          return special("covariant return thunk to ", this.encoding(true, false));
        case cC: {
          const derived = this.demangleType(false);
          if (this.number() < 0 || !this.is(c_)) fail();
          this.pos++;
          const base = this.demangleType(false);
          return mk("Special2", { s: "construction vtable for ", a: base, s2: "-in-", b: derived });
        }
        case cF:
          return special("typeinfo fn for ", this.demangleType(false));
        case cJ:
          return special("java Class for ", this.demangleType(false));
        case C("H"):
          return special("TLS init function for ", this.name());
        case C("W"):
          return special("TLS wrapper function for ", this.name());
        default:
          fail();
      }
    }
    this.expect(cG);
    if (this.rest() === 0) fail();
    const c = this.at(0);
    this.pos++;
    switch (c) {
      case C("V"):
        return special("guard variable for ", this.name());
      case cR: {
        const n = this.name();
        this.seqID(true);
        return special("reference temporary for ", n);
      }
      case cA:
        return special("hidden alias for ", this.encoding(true, false));
      case cT: {
        if (this.rest() === 0) fail();
        const kind = this.at(0);
        this.pos++;
        const v = this.encoding(true, false);
        return special(kind === cn ? "non-transaction clone for " : "transaction clone for ", v);
      }
      case cr:
        return this.javaResource();
      default:
        fail();
    }
  }

  /** Skips a call offset (`h <number> _` or `v <number> _ <number> _`); `c` is its letter if already read. */
  callOffset(c: number): void {
    if (c === 0) {
      if (this.rest() === 0) fail();
      c = this.at(0);
      this.pos++;
    }
    if (c === C("h")) this.number();
    else if (c === cv) {
      this.number();
      if (!this.is(c_)) fail();
      this.pos++;
      this.number();
    } else fail();
    if (!this.is(c_)) fail();
    this.pos++;
  }

  demangleType(isCast: boolean): Node {
    if (this.rest() === 0) fail();
    let addSubst = true;
    let q = this.cvQualifiers();
    if (q !== null) {
      if (this.rest() === 0) fail();
      // Qualifiers before a function type apply to `this`: the bare function type is no candidate.
      if (this.is(cF)) addSubst = false;
    }
    const c = this.at(0);
    const bt = BUILTIN_TYPES[String.fromCharCode(c)];
    if (bt !== undefined && isLower(c)) {
      this.pos++;
      let ret = builtin(bt);
      if (q !== null) {
        ret = mk2("TypeWithQualifiers", ret, q);
        this.subs.push(ret);
      }
      return ret;
    }
    let ret: Node;
    if (c === cu) {
      this.pos++;
      ret = this.sourceName();
    } else if (c === cF) ret = this.functionType();
    else if (c === cN || c === cZ || isDigit(c)) ret = this.name();
    else if (c === cA) ret = this.arrayType(isCast);
    else if (c === cM) ret = this.pointerToMemberType(isCast);
    else if (c === cT) {
      const c2 = this.at(1);
      if (c2 === cs || c2 === cu || c2 === ce) {
        this.advance(2);
        const kind = c2 === cs ? "struct" : c2 === cu ? "union" : "enum";
        ret = mk("ElaboratedType", { s: kind, a: this.name() });
      } else {
        ret = this.templateParam();
        if (this.is(cI)) {
          if (!isCast) {
            this.subs.push(ret);
            ret = mkL("Template", ret, this.templateArgs());
          } else ret = this.castTemplateArgs(ret, true);
        }
      }
    } else if (c === cS) {
      const c2 = this.at(1);
      if (isDigit(c2) || c2 === c_ || isUpper(c2)) {
        ret = this.substitution(false);
        if (!this.is(cI)) addSubst = false;
        else if (ret.k !== "TemplateParam" || !isCast) {
          ret = mkL("Template", ret, this.templateArgs());
        } else {
          const next = this.castTemplateArgs(ret, false);
          if (next === ret) addSubst = false;
          ret = next;
        }
      } else {
        ret = this.name();
        // A bare standard abbreviation is not a candidate; with template arguments it is.
        if (ret === STD_SUBS[String.fromCharCode(c2)]) addSubst = false;
      }
    } else if (c === cO || c === cP || c === cR || c === cC || c === cG) {
      this.pos++;
      const t = this.demangleType(isCast);
      const kind = c === cO
        ? "RvalueReference"
        : c === cP
        ? "Pointer"
        : c === cR
        ? "Reference"
        : c === cC
        ? "Complex"
        : "Imaginary";
      ret = mk(kind, { a: t });
    } else if (c === cU) {
      if (this.rest() < 2) fail();
      const c2 = this.at(1);
      if (c2 === cl) {
        ret = this.closureTypeName();
        addSubst = false;
      } else if (c2 === ct) {
        ret = this.unnamedTypeName();
        addSubst = false;
      } else {
        this.pos++;
        let n = this.sourceName();
        if (this.is(cI)) n = mkL("Template", n, this.templateArgs());
        ret = mk2("VendorQualifier", n, this.demangleType(isCast));
      }
    } else if (c === cD) {
      this.pos++;
      if (this.rest() === 0) fail();
      addSubst = false;
      const c2 = this.at(0);
      this.pos++;
      const dbt = D_BUILTIN_TYPES[String.fromCharCode(c2)];
      if (c2 === cT || c2 === ct) {
        const e = this.expression();
        if (!this.is(cE)) fail();
        this.pos++;
        ret = mk1("Decltype", e);
        addSubst = true;
      } else if (c2 === cp) {
        const t = this.demangleType(isCast);
        ret = mk("PackExpansion", { a: t, t: findArgumentPack(t) });
        addSubst = true;
      } else if (c2 === ca) ret = nameNode("auto");
      else if (c2 === cc) ret = nameNode("decltype(auto)");
      else if (dbt !== undefined && isLower(c2)) ret = builtin(dbt);
      else if (c2 === cF) {
        let accum = false, bits = 0;
        if (isDigit(this.at(0))) {
          accum = true;
          bits = this.number();
        }
        if (this.is(c_)) {
          if (bits === 0) fail();
          this.pos++;
          ret = mkN("BinaryFP", bits);
        } else {
          const base = this.demangleType(isCast);
          if (isDigit(this.at(0))) this.number();
          let sat = false;
          if (this.rest() > 0) {
            if (this.is(cs)) sat = true;
            this.pos++;
          }
          ret = mk("FixedType", { a: base, f: accum, f2: sat });
        }
      } else if (c2 === cv) {
        ret = this.vectorType(isCast);
        addSubst = true;
      } else fail();
    } else fail();

    if (addSubst) this.subs.push(ret);
    if (q !== null) {
      if (ret.k === "FunctionType") ret = mk("MethodWithQualifiers", { a: ret, b: q, s: "" });
      else if (ret.k === "MethodWithQualifiers") {
        // A function type with a trailing ref-qualifier: merge the adjacent qualifiers.
        ret.b = mergeQualifiers(q, ret.b);
      } else {
        // Adjacent qualifiers merge (multi-dimensional arrays).
        if (ret.k === "TypeWithQualifiers") {
          q = mergeQualifiers(q, ret.b)!;
          ret = ret.a!;
        }
        ret = mk2("TypeWithQualifiers", ret, q);
      }
      this.subs.push(ret);
    }
    return ret;
  }

  /**
   * A template parameter followed by template arguments inside a cast
   * operator's type: it is a template template parameter only if another
   * argument list follows; otherwise the arguments belong to the enclosing
   * name, so the parse backs up and returns the bare parameter.
   */
  castTemplateArgs(tp: Node, addSubst: boolean): Node {
    const save = {
      pos: this.pos,
      subs: this.subs.length,
      templates: this.templates.slice(),
      lambdaLevel: this.lambdaLevel,
      counts: [this.typeParams, this.nonTypeParams, this.templateTemplateParams],
    };
    let args: Node[] | null = null;
    try {
      args = this.templateArgs();
    } catch (e) {
      if (e !== FAIL) throw e;
    }
    if (args !== null && this.is(cI)) {
      if (addSubst) this.subs.push(tp);
      return mkL("Template", tp, args);
    }
    this.pos = save.pos;
    this.subs.length = save.subs;
    this.templates = save.templates;
    this.lambdaLevel = save.lambdaLevel;
    [this.typeParams, this.nonTypeParams, this.templateTemplateParams] = save.counts;
    return tp;
  }

  cvQualifiers(): Node | null {
    const quals: Node[] = [];
    for (;;) {
      if (this.rest() === 0) break;
      const c = this.at(0);
      let qual: Node;
      if (c === cr || c === C("V") || c === C("K")) {
        qual = mkS("Qualifier", c === cr ? "restrict" : c === C("V") ? "volatile" : "const");
        this.pos++;
      } else if (c === cD && this.rest() > 1) {
        const c2 = this.at(1);
        if (c2 === cx) {
          qual = mkS("Qualifier", "transaction_safe");
          this.pos += 2;
        } else if (c2 === co) {
          qual = mkS("Qualifier", "noexcept");
          this.pos += 2;
        } else if (c2 === cO) {
          this.pos += 2;
          const e = this.expression();
          if (!this.is(cE)) fail();
          this.pos++;
          qual = mk("Qualifier", { s: "noexcept", l: [e] });
        } else if (c2 === cw) {
          this.pos += 2;
          const parms = this.parmlist();
          if (!this.is(cE)) fail();
          this.pos++;
          qual = mk("Qualifier", { s: "throw", l: parms });
        } else break;
      } else break;
      quals.unshift(qual);
    }
    return quals.length === 0 ? null : mkL("Qualifiers", null, quals);
  }

  refQualifier(): string {
    if (this.is(cR)) {
      this.pos++;
      return "&";
    }
    if (this.is(cO)) {
      this.pos++;
      return "&&";
    }
    return "";
  }

  parmlist(): Node[] {
    let ret: Node[] = [];
    for (;;) {
      if (this.rest() < 1) break;
      const c = this.at(0);
      if (c === cE || c === cDot) break;
      if ((c === cR || c === cO) && this.at(1) === cE) break; // a function's ref-qualifier
      ret.push(this.demangleType(false));
    }
    if (ret.length === 0) fail();
    // A single void means no parameters.
    if (ret.length === 1 && ret[0].k === "BuiltinType" && ret[0].s === "void") ret = [];
    return ret;
  }

  functionType(): Node {
    this.expect(cF);
    if (this.is(cY)) this.pos++; // extern "C": not printed
    let ret = this.bareFunctionType(true);
    const r = this.refQualifier();
    if (r !== "") ret = mk("MethodWithQualifiers", { a: ret, b: null, s: r });
    if (!this.is(cE)) fail();
    this.pos++;
    return ret;
  }

  bareFunctionType(hasReturn: boolean): Node {
    if (this.is(cJ)) {
      hasReturn = true;
      this.pos++;
    }
    const ret = hasReturn ? this.demangleType(false) : null;
    return mkL("FunctionType", ret, this.parmlist());
  }

  arrayType(isCast: boolean): Node {
    this.expect(cA);
    if (this.rest() === 0) fail();
    let dim: Node;
    if (this.is(c_)) dim = nameNode("");
    else if (isDigit(this.at(0))) {
      let i = 1;
      while (isDigit(this.at(i))) i++;
      dim = nameNode(this.s.slice(this.pos, this.pos + i));
      this.pos += i;
    } else dim = this.expression();
    if (!this.is(c_)) fail();
    this.pos++;
    const t = this.demangleType(isCast);
    // Qualifiers of the element qualify the whole array.
    if (t.k === "TypeWithQualifiers") {
      return mk2("TypeWithQualifiers", mk2("ArrayType", dim, t.a), t.b);
    }
    return mk2("ArrayType", dim, t);
  }

  vectorType(isCast: boolean): Node {
    if (this.rest() === 0) fail();
    let dim: Node;
    if (this.is(c_)) {
      this.pos++;
      dim = this.expression();
    } else dim = nameNode(String(this.number()));
    if (!this.is(c_)) fail();
    this.pos++;
    return mk2("VectorType", dim, this.demangleType(isCast));
  }

  pointerToMemberType(isCast: boolean): Node {
    this.expect(cM);
    const cls = this.demangleType(false);
    return mk2("PtrMem", cls, this.demangleType(isCast));
  }

  compactNumber(): number {
    if (this.rest() === 0) fail();
    if (this.is(c_)) {
      this.pos++;
      return 0;
    }
    if (this.is(cn)) fail();
    const n = this.number();
    if (!this.is(c_)) fail();
    this.pos++;
    return n + 1;
  }

  templateParam(): Node {
    this.expect(cT);
    let level = 0;
    if (this.is(cL)) {
      this.pos++;
      level = this.compactNumber();
    }
    const n = this.compactNumber();
    // A lambda's auto parameters are mangled as template parameters of a level not in scope.
    const lambdaAuto = this.lambdaLevel > 0 && level === this.lambdaLevel - 1;
    if (level >= this.templates.length) {
      if (lambdaAuto) return mkN("LambdaAuto", n);
      fail();
    }
    const template = this.templates[level];
    if (template === null) return templateParamNode(n, null); // bound when the cast's arguments are read
    if (n >= template.l.length) {
      if (lambdaAuto) return mkN("LambdaAuto", n);
      fail();
    }
    return templateParamNode(n, template);
  }

  /** Binds the unbound template parameters of a cast operator's type to `tmpl` (null: there must be none). */
  setTemplate(a: Node, tmpl: Node | null): void {
    const visit = newVisit();
    traverse(a, (x) => {
      if (x.k === "TemplateParam") {
        if (x.t !== null) {
          if (tmpl !== null) fail();
          return false;
        }
        if (tmpl === null || x.n >= tmpl.l.length) fail();
        x.t = tmpl;
        return false;
      }
      if (x.k === "Closure" || x.mark === visit) return false;
      x.mark = visit;
      return true;
    });
  }

  clearTemplateArgs(args: Node[]): void {
    for (const a of args) this.setTemplate(a, null);
  }

  templateArgs(): Node[] {
    if (!this.is(cI) && !this.is(cJ)) fail();
    this.pos++;
    const ret: Node[] = [];
    while (!this.is(cE)) ret.push(this.templateArg());
    this.pos++;
    return ret;
  }

  templateArg(): Node {
    if (this.rest() === 0) fail();
    const c = this.at(0);
    if (c === cX) {
      this.pos++;
      const e = this.expression();
      if (!this.is(cE)) fail();
      this.pos++;
      return e;
    }
    if (c === cL) return this.exprPrimary();
    if (c === cI || c === cJ) return mkL("ArgumentPack", null, this.templateArgs());
    return this.demangleType(false);
  }

  exprList(stop: number): Node {
    const exprs: Node[] = [];
    if (this.is(stop)) {
      this.pos++;
      return mkL("ExprList", null, exprs);
    }
    for (;;) {
      exprs.push(this.expression());
      if (this.is(stop)) {
        this.pos++;
        break;
      }
    }
    return mkL("ExprList", null, exprs);
  }

  expression(): Node {
    if (this.rest() === 0) fail();
    const c = this.at(0), c2 = this.at(1);
    if (c === cL) return this.exprPrimary();
    if (c === cT) return this.templateParam();
    if (c === cs) {
      if (c2 === co) {
        this.advance(2);
        return this.subobject();
      }
      if (c2 === cr) return this.unresolvedName();
      if (c2 === cp) {
        this.advance(2);
        const e = this.expression();
        return mk("PackExpansion", { a: e, t: findArgumentPack(e) });
      }
      if (c2 === cZ) {
        this.advance(2);
        const ap = findArgumentPack(this.expression());
        if (ap === null) fail();
        return mk("SizeofPack", { t: ap });
      }
      if (c2 === cP) {
        this.advance(2);
        const args: Node[] = [];
        while (!this.is(cE)) args.push(this.templateArg());
        this.pos++;
        return mkL("SizeofArgs", null, args);
      }
    }
    if (c === cf && c2 === cp) {
      this.advance(2);
      if (this.is(cT)) {
        this.pos++;
        return mkN("FunctionParam", 0);
      }
      this.cvQualifiers(); // read, not printed
      return mkN("FunctionParam", this.compactNumber() + 1);
    }
    if (c === cf && c2 === cL && isDigit(this.at(2))) {
      this.advance(2);
      this.number(); // the scope count is not printed
      if (!this.is(cp)) fail();
      this.pos++;
      this.cvQualifiers();
      return mkN("FunctionParam", this.compactNumber() + 1);
    }
    if (c === cm && c2 === cc) {
      this.advance(2);
      const type = this.demangleType(false);
      const e = this.expression();
      let offset = 0;
      if (this.is(cn) || isDigit(this.at(0))) offset = this.number();
      if (!this.is(cE)) fail();
      this.pos++;
      return mk("PtrMemCast", { a: type, b: e, n: offset });
    }
    if (isDigit(c) || (c === co && c2 === cn)) {
      if (c === co) this.advance(2); // an operator function id
      let [n] = this.unqualifiedName();
      if (this.is(cI)) n = mkL("Template", n, this.templateArgs());
      return n;
    }
    if ((c === ci || c === ct) && c2 === cl) {
      this.advance(2);
      const type = c === ct ? this.demangleType(false) : null;
      return mk2("InitializerList", type, this.exprList(cE));
    }
    if (c === cs && c2 === ct) {
      const [o] = this.operatorName(true);
      return mk("Unary", { a: o, b: this.demangleType(false), f2: true });
    }
    if (c === cu) {
      this.pos++;
      const name = this.sourceName();
      const call = (args: Node[]) =>
        mk("Binary", { a: mkS("Operator", "()"), b: name, c: mkL("ExprList", null, args) });
      if (name.s === "__uuidof") {
        if (this.rest() < 2) fail();
        let operand: Node | null = null;
        if (this.is(ct)) {
          this.pos++;
          operand = this.demangleType(false);
        } else if (this.is(C("z"))) {
          this.pos++;
          operand = this.expression();
        }
        if (operand !== null) return call([operand]);
      }
      const args: Node[] = [];
      for (;;) {
        if (this.rest() === 0) fail();
        if (this.is(cE)) {
          this.pos++;
          break;
        }
        args.push(this.templateArg());
      }
      return call(args);
    }
    if (this.rest() < 2) fail();
    const code = this.s.slice(this.pos, this.pos + 2);
    const [o, arity] = this.operatorName(true);
    switch (arity) {
      case 0:
        return mk1("Nullary", o);
      case 1: {
        let suffix = false;
        if (code === "pp" || code === "mm") {
          if (this.is(c_)) this.pos++;
          else suffix = true;
        }
        let operand: Node;
        if (o.k === "Cast" && this.is(c_)) {
          this.pos++;
          operand = this.exprList(cE);
        } else operand = this.expression();
        return mk("Unary", { a: o, b: operand, f: suffix });
      }
      case 2: {
        let left: Node, right: Node;
        if (code === "sc" || code === "dc" || code === "cc" || code === "rc") left = this.demangleType(false);
        else if (code.charCodeAt(0) === cf) {
          [left] = this.operatorName(true);
          right = this.expression();
          return mk("Fold", { f: code.charCodeAt(1) === cl, a: left, b: right, c: null });
        } else if (code === "di") [left] = this.unqualifiedName();
        else left = this.expression();
        if (code === "cl" || code === "cp") right = this.exprList(cE);
        else if (code === "dt" || code === "pt") {
          right = this.unresolvedName();
          if (this.is(cI)) right = mkL("Template", right, this.templateArgs());
        } else right = this.expression();
        return mk("Binary", { a: o, b: left, c: right });
      }
      case 3: {
        if (code.charCodeAt(0) === cn) {
          let place: Node | null = this.exprList(c_);
          if (place.l.length === 0) place = null;
          const type = this.demangleType(false);
          let init: Node | null = null;
          if (this.is(cE)) this.pos++;
          else if (this.is(cp) && this.at(1) === ci) {
            this.advance(2);
            init = this.exprList(cE);
          } else if (this.is(ci) && this.at(1) === cl) init = this.expression();
          else fail();
          return mk("New", { a: o, b: place, c: type, d: init });
        }
        if (code.charCodeAt(0) === cf) {
          const [first] = this.operatorName(true);
          const second = this.expression();
          const third = this.expression();
          return mk("Fold", { f: code.charCodeAt(1) === cL, a: first, b: second, c: third });
        }
        const first = this.expression();
        const second = this.expression();
        const third = this.expression();
        return mk("Trinary", { a: o, b: first, c: second, d: third });
      }
      default:
        fail();
    }
  }

  subobject(): Node {
    const type = this.demangleType(false);
    const e = this.expression();
    let offset = 0;
    if (this.is(cn) || isDigit(this.at(0))) offset = this.number();
    while (this.is(c_)) {
      this.pos++;
      if (this.is(cn) || isDigit(this.at(0))) this.number();
    }
    if (this.is(cp)) this.pos++;
    if (!this.is(cE)) fail();
    this.pos++;
    return mk("Subobject", { a: type, b: e, n: offset });
  }

  unresolvedName(): Node {
    if (this.startsWith("gs")) {
      this.advance(2);
      return mk2("Unary", mkS("Operator", "::"), this.unresolvedName());
    }
    if (!this.startsWith("sr")) return this.baseUnresolvedName();
    this.advance(2);
    if (this.rest() === 0) fail();
    const c = this.at(0);
    if (c === cT || c === cD || c === cS) {
      const t = this.demangleType(false);
      let n = mk2("Qualified", t, this.baseUnresolvedName());
      if (this.is(cI)) {
        n = mkL("Template", n, this.templateArgs());
        this.subs.push(n);
      }
      return n;
    }
    let s: Node | null = null;
    if (this.is(cN)) {
      this.pos++;
      s = this.demangleType(false);
    }
    while (!this.is(cE)) {
      // GCC can leave out the E after a type and a name.
      if (s !== null && this.rest() > 0 && !isDigit(this.at(0)) && s.k === "Qualified") {
        const scope = s.a!;
        if (scope.k === "Template") {
          this.subs.push(scope.a!);
          this.subs.push(scope);
        } else this.subs.push(scope);
        return s;
      }
      let n = this.sourceName();
      if (this.is(cI)) {
        this.subs.push(n);
        n = mkL("Template", n, this.templateArgs());
      }
      s = s === null ? n : mk2("Qualified", s, n);
      this.subs.push(s);
    }
    if (s === null) fail();
    this.pos++;
    return mk2("Qualified", s, this.baseUnresolvedName());
  }

  baseUnresolvedName(): Node {
    let n: Node;
    if (this.startsWith("on")) {
      this.advance(2);
      [n] = this.operatorName(true);
    } else if (this.startsWith("dn")) {
      this.advance(2);
      n = mk1("Destructor", isDigit(this.at(0)) ? this.sourceName() : this.demangleType(false));
    } else if (isDigit(this.at(0))) n = this.sourceName();
    else [n] = this.operatorName(true); // GCC can leave out the "on"
    if (this.is(cI)) n = mkL("Template", n, this.templateArgs());
    return n;
  }

  exprPrimary(): Node {
    this.expect(cL);
    if (this.rest() === 0) fail();
    let ret: Node;
    // Old g++ left out the underscore of _Z here.
    if (this.is(c_) || this.is(cZ)) {
      if (this.is(c_)) this.pos++;
      this.expect(cZ);
      ret = this.encoding(true, false);
    } else {
      const t = this.demangleType(false);
      let neg = false;
      if (this.is(cn)) {
        neg = true;
        this.pos++;
      }
      if (this.is(cE)) {
        const base = t.k === "TypeWithQualifiers" ? t.a! : t;
        if (t.k === "BuiltinType" && t.s === "decltype(nullptr)") {
          // nullptr has no value
        } else if (t.k === "Closure") {
          this.pos++;
          return mk1("LambdaExpr", t);
        } else if (base.k === "ArrayType") {
          this.pos++;
          return mk1("StringLiteral", t);
        } else fail();
      }
      let end = this.s.indexOf("E", this.pos);
      if (end < 0) end = this.s.length;
      const val = this.s.slice(this.pos, end);
      this.pos = end;
      ret = mk("Literal", { a: t, s: val, f: neg });
    }
    if (!this.is(cE)) fail();
    this.pos++;
    return ret;
  }

  discriminator(a: Node): Node {
    if (!this.is(c_)) {
      // clang can end a name with a discriminator without the underscore.
      for (let i = this.pos; i < this.s.length; i++) {
        if (!isDigit(this.s.charCodeAt(i))) return a;
      }
      this.pos = this.s.length;
      return a;
    }
    this.pos++;
    let trailing = false;
    if (this.is(c_)) {
      this.pos++;
      trailing = true;
    }
    const d = this.number();
    if (d < 0) fail();
    if (trailing && d >= 10) {
      if (!this.is(c_)) fail();
      this.pos++;
    }
    return a;
  }

  closureTypeName(): Node {
    this.advance(2); // Ul
    const oldLambda = this.lambdaLevel;
    this.lambdaLevel = this.templates.length + 1;
    const targs: Node[] = [];
    let template: Node | null = null;
    while (this.rest() > 1 && this.is(cT)) {
      const [arg, value] = this.templateParamDecl();
      if (arg === null) break;
      targs.push(arg);
      if (template === null) {
        template = mkL("Template", nameNode("lambda"), []);
        this.templates.push(template);
      }
      template.l.push(value!);
    }
    const types = this.parmlist();
    this.lambdaLevel = oldLambda;
    if (template !== null) this.templates.pop();
    if (!this.is(cE)) fail();
    this.pos++;
    const num = this.compactNumber();
    return mk("Closure", { l: targs, l2: types, n: num });
  }

  /** A lambda's explicit template parameter: the node to print and the value its uses refer to. */
  templateParamDecl(): [Node | null, Node | null] {
    if (this.rest() < 2 || !this.is(cT)) return [null, null];
    const c2 = this.at(1);
    if (c2 === cy) {
      this.advance(2);
      const name = mk("TemplateParamName", { s: "$T", n: this.typeParams++ });
      return [mk1("TypeTemplateParam", name), name];
    }
    if (c2 === cn) {
      this.advance(2);
      const name = mk("TemplateParamName", { s: "$N", n: this.nonTypeParams++ });
      return [mk2("NonTypeTemplateParam", name, this.demangleType(false)), name];
    }
    if (c2 === ct) {
      this.advance(2);
      const name = mk("TemplateParamName", { s: "$TT", n: this.templateTemplateParams++ });
      const params: Node[] = [];
      let template: Node | null = null;
      for (;;) {
        if (this.rest() === 0) fail();
        if (this.is(cE)) {
          this.pos++;
          break;
        }
        const [param, value] = this.templateParamDecl();
        if (param === null) fail();
        params.push(param);
        if (template === null) {
          template = mkL("Template", nameNode("template_template"), []);
          this.templates.push(template);
        }
        template.l.push(value!);
      }
      if (template !== null) this.templates.pop();
      return [mkL("TemplateTemplateParam", name, params), name];
    }
    if (c2 === cp) {
      this.advance(2);
      const [param, value] = this.templateParamDecl();
      if (param === null) fail();
      return [mk1("TemplateParamPack", param), value];
    }
    return [null, null];
  }

  unnamedTypeName(): Node {
    this.advance(2); // Ut
    const ret = mkN("UnnamedType", this.compactNumber());
    this.subs.push(ret);
    return ret;
  }

  /** GCC's clone suffixes (`.constprop.0`, `.isra.0`, `.cold`, `.part.1`). */
  cloneSuffix(a: Node): Node {
    const s = this.s, start = this.pos;
    let i = start;
    const word = (c: number) => isLower(c) || isDigit(c) || c === c_;
    if (s.length - i > 1 && s.charCodeAt(i) === cDot && word(s.charCodeAt(i + 1))) {
      i += 2;
      while (i < s.length && word(s.charCodeAt(i))) i++;
    }
    while (s.length > i + 1 && s.charCodeAt(i) === cDot && isDigit(s.charCodeAt(i + 1))) {
      i += 2;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    }
    this.pos = i;
    return mk("Clone", { a, s: s.slice(start, i) });
  }

  substitution(forPrefix: boolean): Node {
    this.expect(cS);
    if (this.rest() === 0) fail();
    const c = this.at(0);
    if (c === c_ || isDigit(c) || isUpper(c)) {
      const id = this.seqID(false);
      if (id >= this.subs.length) fail();
      const ret = this.subs[id];
      return this.rebindTemplateParams(ret) ?? ret;
    }
    this.pos++;
    // Before a constructor or destructor name the long form prints, as the GNU demangler does.
    const table = forPrefix && (this.is(cC) || this.is(cD)) ? STD_SUBS_LONG : STD_SUBS;
    let a = table[String.fromCharCode(c)];
    if (a === undefined || !isLower(c)) fail();
    if (this.is(cB)) {
      a = this.taggedName(a);
      this.subs.push(a);
    }
    return a;
  }

  /**
   * A substituted subtree's template parameters refer to the template active
   * where the substitution is used, not where it was first seen; inside a
   * lambda they are its auto parameters. Returns the rebound copy, or null.
   */
  rebindTemplateParams(ret: Node): Node | null {
    const scopes = this.templates.slice();
    const savedLambda: number[] = [];
    const visit = newVisit();
    const copy = (a: Node): Node | null => {
      if (a.k === "Typed") {
        if (a.a!.k === "Template") {
          scopes.pop();
          this.lambdaLevel = savedLambda.pop()!;
        }
        return null;
      }
      if (a.k === "Closure") {
        this.lambdaLevel = savedLambda.pop()!;
        return null;
      }
      if (a.k !== "TemplateParam" && a.k !== "LambdaAuto") return null;
      const index = a.n;
      if (this.lambdaLevel > 0) return a.k === "LambdaAuto" ? null : mkN("LambdaAuto", index);
      let template: Node | null;
      if (scopes.length > 0) template = scopes[scopes.length - 1];
      else if (ret.k === "Template") template = ret;
      else fail();
      if (template === null) return templateParamNode(index, null);
      if (index >= template.l.length) fail();
      return templateParamNode(index, template);
    };
    const skip = (a: Node): boolean => {
      switch (a.k) {
        case "Typed":
          if (a.a!.k === "Template") {
            scopes.push(a.a!);
            savedLambda.push(this.lambdaLevel);
            this.lambdaLevel = 0;
          }
          return false;
        case "Closure":
          savedLambda.push(this.lambdaLevel);
          this.lambdaLevel = scopes.length + 1;
          return false;
        case "TemplateParam":
        case "LambdaAuto":
          return false;
      }
      if (a.mark === visit) return true;
      a.mark = visit;
      return false;
    };
    return copyNode(ret, copy, skip);
  }
}

function lastComponent(a: Node): Node {
  for (;;) {
    if (a.k === "Template" || a.k === "TaggedName") a = a.a!;
    else if (a.k === "Qualified") a = a.b!;
    else return a;
  }
}

function findTemplate(a: Node): Node | null {
  switch (a.k) {
    case "Template":
      return a;
    case "Qualified":
      if (a.f || a.b!.k === "Constructor") return findTemplate(a.b!);
      return null;
    case "MethodWithQualifiers":
      return findTemplate(a.a!);
    case "Constructor":
      return a.b !== null ? findTemplate(a.b) : null;
    default:
      return null;
  }
}

/** Whether the mangled function type of `a` starts with a return type (template functions that are no ctor/dtor/conversion). */
function hasReturnType(a: Node): boolean {
  switch (a.k) {
    case "Qualified":
      return a.f ? hasReturnType(a.b!) : false;
    case "Template":
      return !isCDtorConversion(a.a!);
    case "TypeWithQualifiers":
    case "MethodWithQualifiers":
      return hasReturnType(a.a!);
    default:
      return false;
  }
}

function isCDtorConversion(a: Node): boolean {
  if (a.k === "Qualified") return isCDtorConversion(a.b!);
  return a.k === "Constructor" || a.k === "Destructor" || a.k === "Cast";
}

/** Merges qualifier list `q2` into `q1` (changing `q1`), dropping repeated plain qualifiers. */
function mergeQualifiers(q1: Node | null, q2: Node | null): Node | null {
  if (q1 === null) return q2;
  if (q2 === null) return q1;
  const names = new Set<string>();
  for (const q of q1.l) if (q.l.length === 0) names.add(q.s);
  const merged = q1.l.slice();
  for (const q of q2.l) {
    if (q.l.length > 0) merged.push(q);
    else if (!names.has(q.s)) {
      merged.push(q);
      names.add(q.s);
    }
  }
  q1.l = merged;
  return q1;
}

/** Replaces bound template parameters by their arguments, merges qualifiers and expands packs. */
function simplify(a: Node): Node {
  const visit = newVisit();
  const skip = (x: Node) => {
    if (x.mark === visit) return true;
    x.mark = visit;
    return false;
  };
  return copyNode(a, simplifyOne, skip) ?? a;
}

function simplifyOne(a: Node): Node | null {
  switch (a.k) {
    case "TemplateParam":
      if (a.t !== null && a.n < a.t.l.length) return a.t.l[a.n];
      return null;
    case "MethodWithQualifiers": {
      const m = a.a!;
      if (m.k === "MethodWithQualifiers") {
        let ref = a.s;
        if (ref === "") ref = m.s;
        else if (m.s !== "" && (ref === "&" || m.s === "&")) ref = "&";
        return mk("MethodWithQualifiers", { a: m.a, b: mergeQualifiers(a.b, m.b), s: ref });
      }
      if (m.k === "TypeWithQualifiers") {
        return mk("MethodWithQualifiers", { a: m.a, b: mergeQualifiers(a.b, m.b), s: a.s });
      }
      return null;
    }
    case "TypeWithQualifiers": {
      const base = a.a!;
      if (base.k === "FunctionType") return mk("MethodWithQualifiers", { a: base, b: a.b, s: "" });
      if (base.k === "TypeWithQualifiers") {
        return mk2("TypeWithQualifiers", base.a, mergeQualifiers(a.b, base.b));
      }
      if (base.k === "MethodWithQualifiers") {
        return mk("MethodWithQualifiers", { a: base.a, b: mergeQualifiers(a.b, base.b), s: base.s });
      }
      return null;
    }
    case "Reference": {
      // Reference collapsing: & & is &, & && is &.
      const base = a.a!;
      if (base.k === "Reference") return base;
      if (base.k === "RvalueReference") return mk1("Reference", base.a);
      return null;
    }
    case "RvalueReference": {
      const base = a.a!;
      if (base.k === "RvalueReference" || base.k === "Reference") return base;
      return null;
    }
    case "ArrayType": {
      const el = a.b!;
      if (el.k === "TypeWithQualifiers") {
        return mk2("TypeWithQualifiers", mk2("ArrayType", a.a, el.a), el.b);
      }
      return null;
    }
    case "PackExpansion": {
      const pack = a.t;
      if (pack === null) return null;
      const exprs = pack.l.map((arg) => {
        const visit = newVisit();
        const b = copyNode(a.a!, (sub) => (sub === pack ? arg : null), (sub) => {
          if (sub.k === "PackExpansion" || sub.mark === visit) return true;
          sub.mark = visit;
          return false;
        }) ?? a.a!;
        return simplify(b);
      });
      return mkL("ExprList", null, exprs);
    }
    default:
      return null;
  }
}

/** The argument pack a pack expansion expands, found through a template parameter bound to one. */
function findArgumentPack(a: Node): Node | null {
  const visit = newVisit();
  let ret: Node | null = null;
  traverse(a, (x) => {
    if (ret !== null) return false;
    switch (x.k) {
      case "TemplateParam": {
        const t = x.t;
        if (t === null || x.n >= t.l.length) return true;
        if (t.l[x.n].k === "ArgumentPack") {
          ret = t.l[x.n];
          return false;
        }
        break;
      }
      case "PackExpansion":
      case "Closure":
      case "Name":
      case "TaggedName":
      case "Operator":
      case "BuiltinType":
      case "FunctionParam":
      case "UnnamedType":
      case "FixedType":
      case "DefaultArg":
        return false;
    }
    if (x.mark === visit) return false;
    x.mark = visit;
    return true;
  });
  return ret;
}
