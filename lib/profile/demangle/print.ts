/**
 * Prints an Itanium C++ syntax tree as text, in the GNU style of the
 * reference demangler (`{lambda(int)#1}`, `[clone .cold]`, `> >`).
 *
 * C++ declarators print inside out (`int (*)(char)`): while a type prints, the
 * declarator parts that wrap it wait on the `inner` stack, and the innermost
 * type that can place them (a function's parameter list, an array's bounds)
 * prints them in its place; whatever is left prints after the type.
 *
 * @module
 */
import type { Node } from "./ast.ts";

const SPACE = 0x20, LT = 0x3c, GT = 0x3e, LPAREN = 0x28, STAR = 0x2a;

/** Integer literal suffixes by type; the other builtin types print as a cast. */
const INT_SUFFIX = new Map([
  ["int", ""],
  ["unsigned int", "u"],
  ["long", "l"],
  ["unsigned long", "ul"],
  ["long long", "ll"],
  ["unsigned long long", "ull"],
]);
const FLOAT_TYPES = new Set(["double", "long double", "float", "__float128", "half"]);

/** Prints `node`; `templateArgs` false leaves out every template argument list. */
export function printAst(node: Node, templateArgs: boolean): string {
  const p = new Printer(templateArgs);
  p.node(node);
  return p.out;
}

class Printer {
  out = "";
  /** The last character written through write/char (raw counters do not update it, as in the reference). */
  last = 0;
  inner: Node[] = [];
  /** The nodes being printed, to cut cycles that substitutions can create. */
  printing: Node[] = [];

  constructor(readonly templateArgs: boolean) {}

  write(s: string): void {
    if (s.length > 0) {
      this.last = s.charCodeAt(s.length - 1);
      this.out += s;
    }
  }

  char(c: string): void {
    this.last = c.charCodeAt(0);
    this.out += c;
  }

  /** Writes without updating `last`. */
  raw(s: string): void {
    this.out += s;
  }

  /** Prints a child: a node already being printed twice prints nothing. */
  print(a: Node): void {
    let seen = 0;
    for (const v of this.printing) {
      if (v === a && ++seen > 1) return;
    }
    this.printing.push(a);
    this.node(a);
    this.printing.pop();
  }

  /** Prints the declarator parts waiting on the stack; with `prefixOnly`, methods' qualifiers are returned instead. */
  innerAll(prefixOnly: boolean): Node[] {
    const save: Node[] = [];
    while (this.inner.length > 0) this.oneInner(prefixOnly ? save : null);
    return save;
  }

  oneInner(save: Node[] | null): void {
    const a = this.inner.pop()!;
    if (save !== null && a.k === "MethodWithQualifiers") {
      save.push(a);
      return;
    }
    if (!this.innerPart(a)) this.print(a);
  }

  isEmpty(a: Node): boolean {
    switch (a.k) {
      case "ArgumentPack":
        return a.l.every((x) => this.isEmpty(x));
      case "ExprList":
        return a.l.length === 0;
      case "PackExpansion":
        return a.t !== null && this.isEmpty(a.a!);
      default:
        return false;
    }
  }

  list(items: Node[], skipEmpty: boolean): void {
    let first = true;
    for (const x of items) {
      if (skipEmpty && this.isEmpty(x)) continue;
      if (!first) this.write(", ");
      this.print(x);
      first = false;
    }
  }

  /** Prints `a` as the declarator part of an enclosing type; false when `a` has no such form. */
  innerPart(a: Node): boolean {
    switch (a.k) {
      case "Typed":
        this.print(a.a!);
        return true;
      case "TypeWithQualifiers":
        this.char(" ");
        this.print(a.b!);
        return true;
      case "MethodWithQualifiers":
        this.methodQualifiers(a);
        return true;
      case "Pointer":
        this.write("*");
        return true;
      case "Reference":
        this.write("&");
        return true;
      case "RvalueReference":
        this.write("&&");
        return true;
      case "Complex":
        this.write(" _Complex");
        return true;
      case "Imaginary":
        this.write(" _Imaginary");
        return true;
      case "VendorQualifier":
        this.char(" ");
        this.print(a.a!);
        return true;
      case "ArrayType":
        this.dimension(a);
        return true;
      case "FunctionType":
        this.params(a);
        return true;
      case "PtrMem":
        if (this.last !== LPAREN) this.char(" ");
        this.print(a.a!);
        this.write("::*");
        return true;
      case "VectorType":
        this.write(" __vector(");
        this.print(a.a!);
        this.char(")");
        return true;
      case "NonTypeTemplateParam":
        this.print(a.a!);
        return true;
      case "TemplateParamPack":
        this.write("...");
        if (a.a!.k === "NonTypeTemplateParam") this.print(a.a!.a!);
        return true;
      default:
        return false;
    }
  }

  methodQualifiers(a: Node): void {
    if (a.b !== null) {
      this.char(" ");
      this.print(a.b);
    }
    if (a.s !== "") {
      this.char(" ");
      this.write(a.s);
    }
  }

  /** A type that wraps `base` (pointer, reference…): it prints after base unless something inside placed it. */
  wrap(self: Node, base: Node): void {
    this.inner.push(self);
    this.print(base);
    if (this.inner.length > 0) {
      this.innerPart(self);
      this.inner.pop();
    }
  }

  dimension(at: Node): void {
    let space = " ";
    while (this.inner.length > 0) {
      const top = this.inner[this.inner.length - 1];
      const t = top.k === "TypeWithQualifiers" ? top.a! : top;
      if (t.k === "ArrayType") {
        if (t === top) space = "";
        this.oneInner(null);
      } else {
        this.write(" (");
        this.innerAll(false);
        this.char(")");
      }
    }
    this.write(space);
    this.char("[");
    this.print(at.a!);
    this.char("]");
  }

  params(ft: Node): void {
    let paren = false, space = false;
    for (let i = this.inner.length - 1; i >= 0; i--) {
      const k = this.inner[i].k;
      if (k === "Pointer" || k === "Reference" || k === "RvalueReference") paren = true;
      else if (k === "TypeWithQualifiers" || k === "Complex" || k === "Imaginary" || k === "PtrMem") {
        space = true;
        paren = true;
      }
      if (paren) break;
    }
    if (paren) {
      if (!space && this.last !== LPAREN && this.last !== STAR) space = true;
      if (space && this.last !== SPACE) this.char(" ");
      this.char("(");
    }
    const save = this.innerAll(true);
    if (paren) this.char(")");
    this.char("(");
    this.list(ft.l, true);
    this.char(")");
    this.inner = save;
    this.innerAll(false);
  }

  parenthesize(v: Node): void {
    const bare = v.k === "Name" || v.k === "InitializerList" || v.k === "FunctionParam" ||
      (v.k === "Qualified" && !v.f);
    if (!bare) this.char("(");
    this.print(v);
    if (!bare) this.char(")");
  }

  closureTypes(cl: Node): void {
    if (cl.l.length > 0) {
      this.write("<");
      this.list(cl.l, false);
      this.write(">");
    }
    this.write("(");
    this.list(cl.l2, false);
    this.write(")");
  }

  node(a: Node): void {
    switch (a.k) {
      case "Name":
      case "BuiltinType":
        this.write(a.s);
        return;
      case "Typed": {
        const hold = this.inner;
        this.inner = [a];
        this.print(a.b!);
        if (this.inner.length > 0) {
          this.char(" ");
          this.print(a.a!);
        }
        this.inner = hold;
        return;
      }
      case "Qualified":
        this.print(a.a!);
        this.write("::");
        this.print(a.b!);
        return;
      case "Template": {
        const hold = this.inner;
        this.inner = [];
        this.print(a.a!);
        if (this.templateArgs) {
          if (this.last === LT) this.char(" ");
          this.char("<");
          this.list(a.l, true);
          if (this.last === GT) this.char(" ");
          this.char(">");
        }
        this.inner = hold;
        return;
      }
      case "TemplateParam": {
        const t = a.t;
        if (t === null || a.n >= t.l.length) throw new Error("unresolved template parameter");
        this.print(t.l[a.n]);
        return;
      }
      case "LambdaAuto":
        this.raw(`auto:${a.n + 1}`);
        return;
      case "Qualifiers":
        for (let i = 0; i < a.l.length; i++) {
          if (i > 0) this.char(" ");
          this.node(a.l[i]);
        }
        return;
      case "Qualifier":
        this.write(a.s);
        if (a.l.length > 0) {
          this.char("(");
          let first = true;
          for (const e of a.l) {
            if (e.k === "ExprList" && e.l.length === 0) continue;
            if (!first) this.write(", ");
            this.print(e);
            first = false;
          }
          this.char(")");
        }
        return;
      case "TypeWithQualifiers":
        this.inner.push(a);
        this.print(a.a!);
        if (this.inner.length > 0) {
          this.char(" ");
          this.print(a.b!);
          this.inner.pop();
        }
        return;
      case "MethodWithQualifiers":
        this.inner.push(a);
        this.print(a.a!);
        if (this.inner.length > 0) {
          this.methodQualifiers(a);
          this.inner.pop();
        }
        return;
      case "Pointer":
      case "Reference":
      case "RvalueReference":
      case "Complex":
      case "Imaginary":
        this.wrap(a, a.a!);
        return;
      case "VendorQualifier":
      case "PtrMem":
      case "VectorType":
        this.inner.push(a);
        this.print(a.b!); // the qualified type, the member, the vector element
        if (this.inner.length > 0) this.oneInner(null);
        return;
      case "ArrayType":
        this.inner.push(a);
        this.print(a.b!);
        if (this.inner.length > 0) {
          this.inner.pop();
          this.dimension(a);
        }
        return;
      case "FunctionType": {
        const ret = a.f ? null : a.a;
        if (ret !== null) {
          this.inner.push(a);
          this.print(ret);
          if (this.inner.length === 0) return;
          this.inner.pop();
          this.char(" ");
        }
        this.params(a);
        return;
      }
      case "FunctionParam":
        if (a.n === 0) this.write("this");
        else this.raw(`{parm#${a.n}}`);
        return;
      case "FixedType":
        if (a.f2) this.write("_Sat ");
        if (!(a.a!.k === "BuiltinType" && a.a!.s === "int")) {
          this.print(a.a!);
          this.char(" ");
        }
        this.write(a.f ? "_Accum" : "_Fract");
        return;
      case "BinaryFP":
        this.raw(`_Float${a.n}`);
        return;
      case "ElaboratedType":
        this.write(a.s);
        this.write(" ");
        this.node(a.a!);
        return;
      case "Decltype":
        this.write("decltype");
        this.write(" ");
        this.write("(");
        this.print(a.a!);
        this.char(")");
        return;
      case "Operator": {
        this.write("operator");
        const c = a.s.charCodeAt(0);
        if (c >= 0x61 && c <= 0x7a) this.char(" ");
        this.write(a.s.endsWith(" ") ? a.s.slice(0, -1) : a.s);
        return;
      }
      case "Constructor":
        this.print(a.a!);
        return;
      case "Destructor":
        this.char("~");
        this.print(a.a!);
        return;
      case "GlobalCDtor":
        this.write("global ");
        this.write(a.f ? "constructors" : "destructors");
        this.write(" keyed to ");
        this.print(a.a!);
        return;
      case "TaggedName":
        this.print(a.a!);
        this.write("[abi:");
        this.print(a.b!);
        this.char("]");
        return;
      case "PackExpansion":
        if (a.t === null) {
          this.parenthesize(a.a!);
          this.write("...");
        } else this.print(a.a!);
        return;
      case "ArgumentPack":
      case "ExprList":
        this.list(a.l, false);
        return;
      case "SizeofPack":
        this.write(String(a.t!.l.length));
        return;
      case "SizeofArgs": {
        let n = 0;
        for (const x of a.l) n += x.k === "ArgumentPack" || x.k === "ExprList" ? x.l.length : 1;
        this.write(String(n));
        return;
      }
      case "TemplateParamName":
        this.write(a.s);
        if (a.n > 0) this.write(String(a.n - 1));
        return;
      case "TypeTemplateParam":
        this.write("typename ");
        this.innerAll(false);
        this.print(a.a!);
        return;
      case "NonTypeTemplateParam":
        this.inner.push(a);
        this.print(a.b!);
        if (this.inner.length > 0) {
          this.char(" ");
          this.print(a.a!);
          this.inner.pop();
        }
        return;
      case "TemplateTemplateParam":
        this.write("template<");
        this.list(a.l, false);
        this.write("> typename ");
        this.print(a.a!);
        return;
      case "TemplateParamPack": {
        const hold = this.inner;
        this.inner = [a];
        const param = a.a!;
        this.print(param.k === "NonTypeTemplateParam" ? param.b! : param);
        if (this.inner.length > 0) this.write("...");
        this.inner = hold;
        return;
      }
      case "Cast":
        this.write("operator ");
        this.print(a.a!);
        return;
      case "Nullary":
        if (a.a!.k === "Operator") this.write(a.a!.s);
        else this.print(a.a!);
        return;
      case "Unary":
        this.unary(a);
        return;
      case "Binary":
        this.binary(a);
        return;
      case "Trinary":
        if (isDesignatedInitializer(a)) {
          this.char("[");
          this.print(a.b!);
          this.write(" ... ");
          this.print(a.c!);
          this.char("]");
          if (isDesignatedInitializer(a.d!)) this.print(a.d!);
          else {
            this.char("=");
            this.parenthesize(a.d!);
          }
          return;
        }
        this.parenthesize(a.b!);
        this.char("?");
        this.parenthesize(a.c!);
        this.write(" : ");
        this.parenthesize(a.d!);
        return;
      case "Fold": {
        const op = () => a.a!.k === "Operator" ? this.write(a.a!.s) : this.print(a.a!);
        if (a.c === null) {
          if (a.f) {
            this.write("(...");
            op();
            this.parenthesize(a.b!);
            this.write(")");
          } else {
            this.write("(");
            this.parenthesize(a.b!);
            op();
            this.write("...)");
          }
        } else {
          this.write("(");
          this.parenthesize(a.b!);
          op();
          this.write("...");
          op();
          this.parenthesize(a.c);
          this.write(")");
        }
        return;
      }
      case "Subobject":
        this.print(a.b!);
        this.write(".<");
        this.print(a.a!);
        this.write(` at offset ${a.n}>`);
        return;
      case "PtrMemCast":
        this.write("(");
        this.print(a.a!);
        this.write(")(");
        this.print(a.b!);
        this.write(")");
        return;
      case "New":
        this.write("new ");
        if (a.b !== null) {
          this.parenthesize(a.b);
          this.char(" ");
        }
        this.print(a.c!);
        if (a.d !== null) this.parenthesize(a.d);
        return;
      case "Literal":
        this.literal(a);
        return;
      case "StringLiteral":
        this.write('"<');
        this.node(a.a!);
        this.write('>"');
        return;
      case "LambdaExpr":
        this.write("[]");
        if (a.a!.k === "Closure") this.closureTypes(a.a!);
        this.write("{...}");
        return;
      case "InitializerList":
        if (a.a !== null) this.print(a.a);
        this.char("{");
        this.print(a.b!);
        this.char("}");
        return;
      case "DefaultArg":
        this.raw(`{default arg#${a.n + 1}}::`);
        this.print(a.a!);
        return;
      case "Closure":
        this.write("{lambda");
        this.closureTypes(a);
        this.write(`#${a.n + 1}}`);
        return;
      case "StructuredBindings":
        this.write("[");
        for (let i = 0; i < a.l.length; i++) {
          if (i > 0) this.write(", ");
          this.node(a.l[i]);
        }
        this.write("]");
        return;
      case "UnnamedType":
        this.write(`{unnamed type#${a.n + 1}}`);
        return;
      case "Clone":
        this.print(a.a!);
        this.write(` [clone ${a.s}]`);
        return;
      case "Special":
        this.write(a.s);
        this.print(a.a!);
        return;
      case "Special2":
        this.write(a.s);
        this.print(a.a!);
        this.write(a.s2);
        this.print(a.b!);
        return;
      case "EnableIf":
        this.print(a.a!);
        this.write(" [enable_if:");
        this.list(a.l, false);
        this.write("]");
        return;
    }
  }

  unary(u: Node): void {
    const op = u.a!.k === "Operator" ? u.a! : null;
    let expr = u.b!;
    // Taking the address of a function prints the function's name only.
    if (op !== null && op.s === "&" && expr.k === "Typed" && expr.b!.k === "FunctionType") expr = expr.a!;
    if (u.f) this.parenthesize(expr);
    if (op !== null) this.write(op.s);
    else if (u.a!.k === "Cast") {
      this.char("(");
      this.print(u.a!.a!);
      this.char(")");
    } else this.print(u.a!);
    if (u.f) return;
    if (op !== null && op.s === "::") this.print(expr);
    else if (u.f2 || (op !== null && op.s === "__alignof__")) {
      this.char("(");
      this.print(expr);
      this.char(")");
    } else this.parenthesize(expr);
  }

  binary(b: Node): void {
    const op = b.a!.k === "Operator" ? b.a! : null;
    if (op !== null && op.s.includes("cast")) {
      this.write(op.s);
      this.char("<");
      this.print(b.b!);
      this.write(">(");
      this.print(b.c!);
      this.char(")");
      return;
    }
    if (isDesignatedInitializer(b)) {
      this.char(op!.s === "=" ? "." : "[");
      this.print(b.b!);
      if (op!.s === "]=") this.char("]");
      if (isDesignatedInitializer(b.c!)) this.print(b.c!);
      else {
        this.char("=");
        this.parenthesize(b.c!);
      }
      return;
    }
    // Parenthesized so that the '>' cannot end a template argument list.
    if (op !== null && op.s === ">") this.char("(");
    let left = b.b!;
    let skipParens = false;
    if (op !== null && op.s === "()" && left.k === "Typed") {
      if (left.b!.k === "FunctionType") {
        if (left.b!.a === null) left = left.a!;
        else skipParens = true;
      } else left = left.a!;
    }
    if (skipParens) this.print(left);
    else this.parenthesize(left);
    if (op !== null && op.s === "[]") {
      this.char("[");
      this.print(b.c!);
      this.char("]");
      return;
    }
    if (op !== null) {
      if (op.s !== "()") this.write(op.s);
    } else this.print(b.a!);
    this.parenthesize(b.c!);
    if (op !== null && op.s === ">") this.char(")");
  }

  literal(l: Node): void {
    const t = l.a!;
    let isFloat = false;
    if (t.k === "BuiltinType") {
      const suffix = INT_SUFFIX.get(t.s);
      if (suffix !== undefined) {
        if (l.f) this.char("-");
        this.write(l.s);
        this.write(suffix);
        return;
      } else if (t.s === "bool" && !l.f) {
        if (l.s === "0") return this.write("false");
        if (l.s === "1") return this.write("true");
      } else if (t.s === "decltype(nullptr)" && l.s === "") {
        this.print(t);
        return;
      } else isFloat = FLOAT_TYPES.has(t.s);
    }
    this.char("(");
    this.print(t);
    this.char(")");
    if (isFloat) this.char("[");
    if (l.f) this.char("-");
    this.write(l.s);
    if (isFloat) this.char("]");
  }
}

function isDesignatedInitializer(x: Node): boolean {
  if (x.k === "Binary") {
    const op = x.a!;
    if (op.k !== "Operator") return false;
    if (op.s === "]=") return true;
    if (op.s !== "=") return false;
    return x.b!.k !== "Literal";
  }
  if (x.k === "Trinary") return x.a!.k === "Operator" && x.a!.s === "[...]=";
  return false;
}
