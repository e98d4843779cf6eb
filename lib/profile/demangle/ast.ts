/**
 * The syntax tree of a demangled Itanium C++ name: node kinds, their slots,
 * and the two generic walks (copy with rewriting, traversal) the parser needs.
 *
 * One small object shape serves every kind, with generic slots whose meaning
 * depends on the kind (the table below). The reference demangler keeps
 * identity semantics that matter for its output (a node printed twice inside
 * itself is cut short, shared subtrees are rewritten once), so nodes are
 * compared by identity here too.
 *
 * | kind | slots |
 * | --- | --- |
 * | Name, BuiltinType, Operator | s = text |
 * | Typed | a = name, b = type |
 * | Qualified | a = scope, b = name, f = parsed as a local name |
 * | Template | a = name, l = arguments |
 * | TemplateParam | n = index, t = the template it refers to (null inside a cast operator) |
 * | LambdaAuto, FunctionParam, UnnamedType | n = index |
 * | Qualifiers | l = Qualifier nodes |
 * | Qualifier | s = name, l = expressions (noexcept(…), throw(…)) |
 * | TypeWithQualifiers | a = base, b = Qualifiers |
 * | MethodWithQualifiers | a = method, b = Qualifiers or null, s = ref-qualifier ("", "&", "&&") |
 * | Pointer, Reference, RvalueReference, Complex, Imaginary | a = base |
 * | VendorQualifier | a = qualifier, b = type |
 * | ArrayType | a = dimension, b = element |
 * | FunctionType | a = return type or null, l = parameters, f = belongs to a local name |
 * | PtrMem | a = class, b = member |
 * | FixedType | a = base, f = _Accum (else _Fract), f2 = _Sat |
 * | BinaryFP | n = bits |
 * | VectorType | a = dimension, b = base |
 * | ElaboratedType | s = struct/union/enum, a = type |
 * | Decltype | a = expression |
 * | Constructor | a = name, b = inherited base or null |
 * | Destructor | a = name |
 * | GlobalCDtor | a = key, f = constructors (else destructors) |
 * | TaggedName | a = name, b = tag |
 * | PackExpansion | a = base, t = the argument pack or null |
 * | ArgumentPack, SizeofArgs, ExprList, StructuredBindings | l = elements |
 * | SizeofPack | t = the argument pack |
 * | TemplateParamName | s = prefix ($T, $N, $TT), n = index |
 * | TypeTemplateParam | a = name |
 * | NonTypeTemplateParam | a = name, b = type |
 * | TemplateTemplateParam | a = name, l = parameters |
 * | TemplateParamPack | a = parameter |
 * | Cast | a = target type |
 * | Nullary | a = operator |
 * | Unary | a = operator, b = operand, f = postfix, f2 = sizeof a type |
 * | Binary | a = operator, b = left, c = right |
 * | Trinary | a = operator, b, c, d = operands |
 * | Fold | a = operator, b = first, c = second or null, f = left fold |
 * | Subobject | a = type, b = expression, n = offset |
 * | PtrMemCast | a = type, b = expression |
 * | New | a = operator, b = placement or null, c = type, d = initializer or null |
 * | Literal | a = type, s = value, f = negative |
 * | StringLiteral, LambdaExpr | a = type |
 * | InitializerList | a = type or null, b = ExprList |
 * | DefaultArg | a = entity, n = parameter number |
 * | Closure | l = template parameters, l2 = parameter types, n = number |
 * | Clone | a = base, s = suffix |
 * | Special | s = prefix text, a = value |
 * | Special2 | s = prefix, a = first, s2 = middle, b = second |
 * | EnableIf | a = type, l = arguments |
 *
 * @module
 */

/** Every node kind. */
export type Kind =
  | "Name"
  | "Typed"
  | "Qualified"
  | "Template"
  | "TemplateParam"
  | "LambdaAuto"
  | "Qualifiers"
  | "Qualifier"
  | "TypeWithQualifiers"
  | "MethodWithQualifiers"
  | "BuiltinType"
  | "Pointer"
  | "Reference"
  | "RvalueReference"
  | "Complex"
  | "Imaginary"
  | "VendorQualifier"
  | "ArrayType"
  | "FunctionType"
  | "FunctionParam"
  | "PtrMem"
  | "FixedType"
  | "BinaryFP"
  | "VectorType"
  | "ElaboratedType"
  | "Decltype"
  | "Operator"
  | "Constructor"
  | "Destructor"
  | "GlobalCDtor"
  | "TaggedName"
  | "PackExpansion"
  | "ArgumentPack"
  | "SizeofPack"
  | "SizeofArgs"
  | "TemplateParamName"
  | "TypeTemplateParam"
  | "NonTypeTemplateParam"
  | "TemplateTemplateParam"
  | "TemplateParamPack"
  | "Cast"
  | "Nullary"
  | "Unary"
  | "Binary"
  | "Trinary"
  | "Fold"
  | "Subobject"
  | "PtrMemCast"
  | "New"
  | "Literal"
  | "StringLiteral"
  | "LambdaExpr"
  | "ExprList"
  | "InitializerList"
  | "DefaultArg"
  | "Closure"
  | "StructuredBindings"
  | "UnnamedType"
  | "Clone"
  | "Special"
  | "Special2"
  | "EnableIf";

/** A node; which slots are used depends on `k` (see the module table). */
export interface Node {
  k: Kind;
  /** Which of a, b, c, d, l, l2 hold children (bits of {@link SLOT}); set from the kind. */
  m: number;
  s: string;
  s2: string;
  n: number;
  f: boolean;
  f2: boolean;
  a: Node | null;
  b: Node | null;
  c: Node | null;
  d: Node | null;
  l: Node[];
  l2: Node[];
  /** A reference elsewhere into the tree (TemplateParam's template, a pack); never walked. */
  t: Node | null;
  /** The last walk that visited this node (see {@link newVisit}). */
  mark: number;
}

let visits = 0;

/**
 * A fresh walk id. Walks that must visit a shared node once mark nodes with
 * it instead of keeping a set (the reference keeps a list of seen nodes).
 */
export function newVisit(): number {
  return ++visits;
}

/** Child slot bits, in the order children are copied and walked. */
const SLOT = { a: 1, b: 2, c: 4, d: 8, l: 16, l2: 32 } as const;
const A = SLOT.a, B = SLOT.b, Cs = SLOT.c, D = SLOT.d, L = SLOT.l, L2 = SLOT.l2;

const CHILDREN = new Map<Kind, number>([
  ["Name", 0],
  ["Typed", A | B],
  ["Qualified", A | B],
  ["Template", A | L],
  ["TemplateParam", 0],
  ["LambdaAuto", 0],
  ["Qualifiers", L],
  ["Qualifier", L],
  ["TypeWithQualifiers", A | B],
  ["MethodWithQualifiers", A | B],
  ["BuiltinType", 0],
  ["Pointer", A],
  ["Reference", A],
  ["RvalueReference", A],
  ["Complex", A],
  ["Imaginary", A],
  ["VendorQualifier", A | B],
  ["ArrayType", A | B],
  ["FunctionType", A | L],
  ["FunctionParam", 0],
  ["PtrMem", A | B],
  ["FixedType", A],
  ["BinaryFP", 0],
  ["VectorType", A | B],
  ["ElaboratedType", A],
  ["Decltype", A],
  ["Operator", 0],
  ["Constructor", A | B],
  ["Destructor", A],
  ["GlobalCDtor", A],
  ["TaggedName", A | B],
  ["PackExpansion", A],
  ["ArgumentPack", L],
  ["SizeofPack", 0],
  ["SizeofArgs", L],
  ["TemplateParamName", 0],
  ["TypeTemplateParam", A],
  ["NonTypeTemplateParam", A | B],
  ["TemplateTemplateParam", A | L],
  ["TemplateParamPack", A],
  ["Cast", A],
  ["Nullary", A],
  ["Unary", A | B],
  ["Binary", A | B | Cs],
  ["Trinary", A | B | Cs | D],
  ["Fold", A | B | Cs],
  ["Subobject", A | B],
  ["PtrMemCast", A | B],
  ["New", A | B | Cs | D],
  ["Literal", A],
  ["StringLiteral", A],
  ["LambdaExpr", A],
  ["ExprList", L],
  ["InitializerList", A | B],
  ["DefaultArg", A],
  ["Closure", L | L2],
  ["StructuredBindings", L],
  ["UnnamedType", 0],
  ["Clone", A],
  ["Special", A],
  ["Special2", A | B],
  ["EnableIf", A | L],
]);

const NO_NODES: Node[] = [];

/** Makes a node of kind `k` with the given slots, every other slot empty. */
export function mk(k: Kind, slots?: Partial<Omit<Node, "k" | "m">>): Node {
  const n: Node = {
    k,
    m: CHILDREN.get(k)!,
    s: "",
    s2: "",
    n: 0,
    f: false,
    f2: false,
    a: null,
    b: null,
    c: null,
    d: null,
    l: NO_NODES,
    l2: NO_NODES,
    t: null,
    mark: 0,
  };
  // Assigning over existing fields keeps every node of one hidden class (fast property access).
  if (slots !== undefined) Object.assign(n, slots);
  return n;
}

function clone(x: Node): Node {
  return {
    k: x.k,
    m: x.m,
    s: x.s,
    s2: x.s2,
    n: x.n,
    f: x.f,
    f2: x.f2,
    a: x.a,
    b: x.b,
    c: x.c,
    d: x.d,
    l: x.l,
    l2: x.l2,
    t: x.t,
    mark: 0,
  };
}

/** A node with child `a`. */
export function mk1(k: Kind, a: Node | null): Node {
  const x = mk(k);
  x.a = a;
  return x;
}

/** A node with children `a` and `b`. */
export function mk2(k: Kind, a: Node | null, b: Node | null): Node {
  const x = mk(k);
  x.a = a;
  x.b = b;
  return x;
}

/** A node with child `a` and list `l`. */
export function mkL(k: Kind, a: Node | null, l: Node[]): Node {
  const x = mk(k);
  x.a = a;
  x.l = l;
  return x;
}

/** A node with text `s`. */
export function mkS(k: Kind, s: string): Node {
  const x = mk(k);
  x.s = s;
  return x;
}

/** A node with number `n`. */
export function mkN(k: Kind, n: number): Node {
  const x = mk(k);
  x.n = n;
  return x;
}

/** A template parameter: index `n` of template `t`. */
export function templateParamNode(n: number, t: Node | null): Node {
  const x = mk("TemplateParam");
  x.n = n;
  x.t = t;
  return x;
}

/** A plain name. */
export const nameNode = (s: string): Node => mkS("Name", s);

/**
 * Copies `node`, rewriting with `fn`: children first, then `fn` on the node
 * (or on its copy when a child changed). Returns null when nothing changed,
 * so unchanged subtrees stay shared. `skip(x)` true leaves `x` as it is.
 * Three kinds keep the reference's particular behaviour: a SizeofPack is
 * always copied, an unchanged Subobject or PtrMemCast is not offered to `fn`,
 * and a changed VendorQualifier keeps its old type.
 */
export function copyNode(node: Node, fn: (a: Node) => Node | null, skip: (a: Node) => boolean): Node | null {
  if (skip(node)) return null;
  if (node.k === "SizeofPack") {
    const fresh = clone(node);
    return fn(fresh) ?? fresh;
  }
  const m = node.m;
  let out: Node | null = null;
  if (m & A && node.a !== null) {
    const c = copyNode(node.a, fn, skip);
    if (c !== null) (out ??= clone(node)).a = c;
  }
  if (m & B && node.b !== null) {
    const c = copyNode(node.b, fn, skip);
    if (c !== null) (out ??= clone(node)).b = c;
  }
  if (m & Cs && node.c !== null) {
    const c = copyNode(node.c, fn, skip);
    if (c !== null) (out ??= clone(node)).c = c;
  }
  if (m & D && node.d !== null) {
    const c = copyNode(node.d, fn, skip);
    if (c !== null) (out ??= clone(node)).d = c;
  }
  if (m & L) {
    const list = copyList(node.l, fn, skip);
    if (list !== null) (out ??= clone(node)).l = list;
  }
  if (m & L2) {
    const list = copyList(node.l2, fn, skip);
    if (list !== null) (out ??= clone(node)).l2 = list;
  }
  if (out === null) return node.k === "Subobject" || node.k === "PtrMemCast" ? null : fn(node);
  if (node.k === "VendorQualifier") out.b = node.b;
  return fn(out) ?? out;
}

function copyList(list: Node[], fn: (a: Node) => Node | null, skip: (a: Node) => boolean): Node[] | null {
  let copied: Node[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const c = copyNode(list[i], fn, skip);
    if (c !== null) {
      copied ??= list.slice();
      copied[i] = c;
    }
  }
  return copied;
}

/**
 * Visits `node` and, while `fn` returns true, its children. Qualifier lists
 * of qualified types and methods are not walked, as in the reference.
 */
export function traverse(node: Node, fn: (a: Node) => boolean): void {
  if (!fn(node)) return;
  const m = node.k === "TypeWithQualifiers" || node.k === "MethodWithQualifiers" ? A : node.m;
  if (m & A && node.a !== null) traverse(node.a, fn);
  if (m & B && node.b !== null) traverse(node.b, fn);
  if (m & Cs && node.c !== null) traverse(node.c, fn);
  if (m & D && node.d !== null) traverse(node.d, fn);
  if (m & L) { for (const e of node.l) traverse(e, fn); }
  if (m & L2) { for (const e of node.l2) traverse(e, fn); }
}
