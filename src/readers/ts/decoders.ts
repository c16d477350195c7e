import { Node, type CallExpression, type SourceFile } from "ts-morph";
import type { SourceLoc } from "../../ir/types.js";
import { constantOffset } from "./offsets.js";
import { bufferRead, dataViewRead, type ScalarRead } from "../../ir/ts-reads.js";
import type { FieldElem, TwinDecl, TwinField } from "./twin-decl.js";

// Hand-written decoders: a function whose reads name their fields, as
//   return { pid: dv.getUint32(off + 4, true), comm: buf.toString("utf8", 8, 24) };
//   this.pid = buf.readUInt32LE(4);
//   const pid = view.getUint32(4, true);
// The twin is the function's declared return type (or its class, or its
// name without `decode`/`parse`/`read`), and each field sits where it is read.

type FunctionLike = Node & { getBody(): Node | undefined };

const PREFIX = /^(decode|parse|read|unpack|from)(?=[A-Z_])/;

export function findDecoders(sf: SourceFile, locOf: (n: Node) => SourceLoc): TwinDecl[] {
  const fns: FunctionLike[] = [];
  sf.forEachDescendant((n) => {
    if (Node.isFunctionDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n) || Node.isMethodDeclaration(n) || Node.isConstructorDeclaration(n)) {
      fns.push(n as FunctionLike);
    }
  });
  // A return type names a twin when the file declares or imports it: `Uint8Array` and `DataView` are not twins.
  const typeNames = new Set<string>([
    ...sf.getInterfaces().map((d) => d.getName()),
    ...sf.getClasses().flatMap((d) => d.getName() ?? []),
    ...sf.getTypeAliases().map((d) => d.getName()),
    ...sf.getImportDeclarations().flatMap((d) => d.getNamedImports().map((n) => n.getAliasNode()?.getText() ?? n.getName())),
  ]);
  const byFunction = new Map<Node, string>();
  for (const fn of fns) {
    const name = twinNameOf(fn, typeNames);
    if (name) byFunction.set(fn, name);
  }
  const decls = new Map<string, TwinDecl>();
  for (const fn of fns) {
    const name = byFunction.get(fn);
    if (!name) continue;
    const fields = fieldsOf(fn, byFunction, locOf);
    const known = decls.get(name);
    // One type may have several decoders (a wrapper and the one that reads): the one reading most wins.
    if (known && known.fields.length >= fields.length) continue;
    decls.set(name, { name, loc: declLoc(sf, name, fn, locOf), fields, method: methodOf(fn), packed: false, size: sizeConstant(sf, name) });
  }
  // A field decoded by a function that turned out to read nothing is no field.
  const found = [...decls.values()].filter((d) => d.fields.length > 0);
  const known = new Set(found.map((d) => d.name));
  return found.map((d) => ({ ...d, fields: d.fields.filter((f) => f.elem.kind !== "struct" || known.has(f.elem.twin)) }));
}

function twinNameOf(fn: FunctionLike, typeNames: ReadonlySet<string>): string | undefined {
  const ret = "getReturnTypeNode" in fn && typeof fn.getReturnTypeNode === "function" ? (fn.getReturnTypeNode() as Node | undefined) : undefined;
  if (ret) return typeNames.has(ret.getText()) ? ret.getText() : undefined;
  const cls = fn.getParentWhile((p) => !Node.isClassDeclaration(p))?.getParent();
  if ((Node.isConstructorDeclaration(fn) || Node.isMethodDeclaration(fn)) && cls && Node.isClassDeclaration(cls)) return cls.getName();
  let fname: string | undefined;
  if (Node.isFunctionDeclaration(fn)) fname = fn.getName();
  else {
    const v = fn.getParent();
    if (v && Node.isVariableDeclaration(v)) fname = v.getName();
  }
  if (!fname || !PREFIX.test(fname)) return undefined;
  const bare = fname.replace(PREFIX, "").replace(/^_/, "");
  return bare ? bare[0]!.toUpperCase() + bare.slice(1) : undefined;
}

/** Where the twin is declared: its interface, class or type alias in this file, else the decoder. */
function declLoc(sf: SourceFile, name: string, fn: Node, locOf: (n: Node) => SourceLoc): SourceLoc {
  const decl = sf.getInterface(name) ?? sf.getClass(name) ?? sf.getTypeAlias(name);
  return locOf(decl ?? fn);
}

function methodOf(fn: Node): string {
  return /\.read(Big)?(UInt|Uint|Int|Float|Double)/.test(fn.getText()) ? "Buffer" : "DataView";
}

/** `PROBE_EVENT_SIZE`, `ProbeEventSize`, `SIZE` in a file of one twin. */
function sizeConstant(sf: SourceFile, twin: string): number | undefined {
  const key = twin.replace(/_/g, "").toLowerCase();
  for (const v of sf.getVariableDeclarations()) {
    const name = v.getName().replace(/_/g, "").toLowerCase();
    if (name !== `${key}size` && name !== `sizeof${key}`) continue;
    const init = v.getInitializer();
    if (init && Node.isNumericLiteral(init)) return Number(init.getLiteralValue());
  }
  return undefined;
}

function fieldsOf(fn: FunctionLike, twins: Map<Node, string>, locOf: (n: Node) => SourceLoc): TwinField[] {
  const body = fn.getBody();
  if (!body) return [];
  const fields: TwinField[] = [];
  const seen = new Set<Node>();
  body.forEachDescendant((n, walk) => {
    // Nested functions are decoders of their own.
    if (Node.isFunctionDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n)) {
      walk.skip();
      return;
    }
    const target = assignedName(n);
    if (!target || seen.has(n)) return;
    seen.add(n);
    const value = target.value;
    const f = fieldOf(target.name, value, twins, locOf);
    if (f) {
      fields.push(f);
      walk.skip();
    }
  });
  return fields;
}

/** `name: VALUE`, `x.name = VALUE`, `const name = VALUE`. */
function assignedName(n: Node): { name: string; value: Node } | undefined {
  if (Node.isPropertyAssignment(n)) {
    const init = n.getInitializer();
    return init ? { name: n.getName(), value: init } : undefined;
  }
  if (Node.isBinaryExpression(n) && n.getOperatorToken().getText() === "=") {
    const left = n.getLeft();
    if (Node.isPropertyAccessExpression(left)) return { name: left.getName(), value: n.getRight() };
  }
  if (Node.isVariableDeclaration(n)) {
    const init = n.getInitializer();
    if (init && Node.isIdentifier(n.getNameNode())) return { name: n.getName(), value: init };
  }
  return undefined;
}

interface Piece {
  bitOffset: number;
  bitSize: number;
  elem: FieldElem;
  count: number;
  loc: SourceLoc;
}

function fieldOf(name: string, value: Node, twins: Map<Node, string>, locOf: (n: Node) => SourceLoc): TwinField | undefined {
  const p = Node.isArrayLiteralExpression(value) ? arrayOf(value, twins, locOf) : pieceOf(value, twins, locOf);
  return p ? { name, ...p } : undefined;
}

/** An array literal of reads at a constant stride (arrays of arrays too) is an array. */
function arrayOf(value: Node, twins: Map<Node, string>, locOf: (n: Node) => SourceLoc): Piece | undefined {
  if (!Node.isArrayLiteralExpression(value)) return undefined;
  const items = value.getElements().map((e) => {
    const inner = Node.isArrayLiteralExpression(e) ? arrayOf(e, twins, locOf) : pieceOf(e, twins, locOf);
    if (!inner || inner.bitSize) return undefined;
    return inner.count ? { ...inner, elem: { kind: "array" as const, elem: inner.elem, count: inner.count }, count: 0 } : inner;
  });
  if (items.length === 0 || items.some((i) => !i || i.count)) return undefined;
  const first = items[0]!;
  const stride = items.length > 1 ? items[1]!.bitOffset - first.bitOffset : 0;
  if (items.some((it, k) => it!.bitOffset !== first.bitOffset + k * stride || JSON.stringify(it!.elem) !== JSON.stringify(first.elem))) return undefined;
  return { ...first, count: items.length, loc: locOf(value) };
}

/** The read inside an expression: the call itself, or under a shift and mask, `Number()`, `BigInt()`, `!== 0`. */
function pieceOf(value: Node, twins: Map<Node, string>, locOf: (n: Node) => SourceLoc): Piece | undefined {
  const view = typedArrayView(unwrap(value), locOf);
  if (view) return view;
  const calls: CallExpression[] = Node.isCallExpression(value) ? [value] : [];
  value.forEachDescendant((n, walk) => {
    if (Node.isArrowFunction(n) || Node.isFunctionExpression(n)) walk.skip();
    else if (Node.isCallExpression(n)) calls.push(n);
  });
  const reads = calls.map((c) => readOf(c, twins, locOf)).filter((r): r is Piece => r !== undefined);
  if (reads.length === 0) return undefined;
  if (reads.length > 1) {
    // Two halves of one value (`hi * 2 ** 32 + lo`): one integer across both.
    const start = Math.min(...reads.map((r) => r.bitOffset));
    const end = Math.max(...reads.map((r) => r.bitOffset + widthBits(r)));
    const first = reads.reduce((a, b) => (a.bitOffset <= b.bitOffset ? a : b));
    if (first.elem.kind !== "scalar" || reads.some((r) => r.elem.kind !== "scalar")) return undefined;
    const size = (end - start) / 8;
    return { ...first, bitOffset: start, elem: { kind: "scalar", read: { ...first.elem.read, size, signed: false } } };
  }
  const read = reads[0]!;
  const bits = read.elem.kind === "scalar" && !read.count ? bitfieldOf(value, read) : undefined;
  return bits ?? read;
}

function widthBits(p: Piece): number {
  return (p.elem.kind === "scalar" ? p.elem.read.size : 1) * 8 * Math.max(1, p.count);
}


function readOf(call: CallExpression, twins: Map<Node, string>, locOf: (n: Node) => SourceLoc): Piece | undefined {
  const callee = call.getExpression();
  const args = call.getArguments();
  const loc = locOf(call);
  const at = (i: number): number | undefined => (args[i] ? constantOffset(args[i]!) : undefined);
  const scalar = (read: ScalarRead | undefined, off: number | undefined): Piece | undefined =>
    read && off !== undefined ? { bitOffset: off * 8, bitSize: 0, elem: { kind: "scalar", read }, count: 0, loc } : undefined;
  const bytes = (kind: "char" | "u8" | "s8", off: number | undefined, n: number | undefined): Piece | undefined =>
    off !== undefined && n !== undefined && n > 0 ? { bitOffset: off * 8, bitSize: 0, elem: { kind }, count: n, loc } : undefined;
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    if (method.startsWith("get")) return scalar(dataViewRead(method, args[1] ? littleFlag(args[1]) : false), at(0));
    if (method.startsWith("read")) return scalar(bufferRead(method), at(0));
    if (method === "toString" && args.length === 3) {
      const a = at(1);
      const b = at(2);
      return bytes("char", a, a !== undefined && b !== undefined ? b - a : undefined);
    }
    if (method === "decode" && args[0]) {
      const inner = Node.isCallExpression(args[0]) ? readOf(args[0], twins, locOf) : typedArrayView(args[0], locOf);
      return inner && inner.elem.kind === "u8" ? { ...inner, elem: { kind: "char" }, loc } : undefined;
    }
    if (method === "subarray" || method === "slice") {
      const a = at(0);
      const b = at(1);
      return bytes("u8", a, a !== undefined && b !== undefined ? b - a : undefined);
    }
    return undefined;
  }
  if (!Node.isIdentifier(callee)) return undefined;
  const fname = callee.getText();
  // abidrift's own string helper: cString(dv, offset, length).
  if (fname === "cString" && args.length === 3) return bytes("char", at(1), at(2));
  const twin = nestedTwin(callee, twins);
  if (twin && args.length) {
    const off = at(args.length - 1);
    return off !== undefined ? { bitOffset: off * 8, bitSize: 0, elem: { kind: "struct", twin }, count: 0, loc } : undefined;
  }
  return undefined;
}

/** Typed arrays by element: bytes, and the multi-byte ones, which read in the host's order as BPF writes. */
const TYPED_ARRAYS: Record<string, { kind: "u8" | "s8" } | ScalarRead> = {
  Uint8Array: { kind: "u8" },
  Int8Array: { kind: "s8" },
  Uint16Array: { kind: "int", size: 2, signed: false },
  Int16Array: { kind: "int", size: 2, signed: true },
  Uint32Array: { kind: "int", size: 4, signed: false },
  Int32Array: { kind: "int", size: 4, signed: true },
  BigUint64Array: { kind: "int", size: 8, signed: false },
  BigInt64Array: { kind: "int", size: 8, signed: true },
  Float32Array: { kind: "float", size: 4, signed: true },
  Float64Array: { kind: "float", size: 8, signed: true },
};

/**
 * A typed-array view at a constant offset: `new Uint8Array(buf, off, n)`,
 * `new Uint32Array(buf.buffer, off, n)`, the `bpf` package's
 * `asUint32Array(buf, n)` (at the buffer's start), and one element of
 * either, `[k]`, which is a read of that element's width.
 */
function typedArrayView(value: Node, locOf: (n: Node) => SourceLoc): Piece | undefined {
  if (Node.isElementAccessExpression(value)) {
    const arg = value.getArgumentExpression();
    const k = arg ? constantOffset(arg) : undefined;
    const view = typedArrayView(unwrap(value.getExpression()), locOf);
    if (k === undefined || !view || k < 0 || k >= view.count) return undefined;
    const size = view.elem.kind === "scalar" ? view.elem.read.size : 1;
    return { ...view, bitOffset: view.bitOffset + k * size * 8, count: view.elem.kind === "scalar" ? 0 : 1, loc: locOf(value) };
  }
  let ctor: string | undefined;
  let off: number | undefined;
  let n: number | undefined;
  if (Node.isNewExpression(value)) {
    const args = value.getArguments();
    ctor = value.getExpression().getText();
    if (args.length !== 3) return undefined;
    off = constantOffset(args[1]!);
    n = constantOffset(args[2]!);
  } else if (Node.isCallExpression(value)) {
    const m = /^as(\w+Array)$/.exec(value.getExpression().getText());
    const args = value.getArguments();
    if (!m || args.length !== 2) return undefined;
    ctor = m[1];
    off = 0;
    n = constantOffset(args[1]!);
  }
  const elem = ctor !== undefined && Object.hasOwn(TYPED_ARRAYS, ctor) ? TYPED_ARRAYS[ctor] : undefined;
  if (!elem || off === undefined || n === undefined || n <= 0) return undefined;
  const e = "size" in elem ? { kind: "scalar" as const, read: elem } : elem;
  return { bitOffset: off * 8, bitSize: 0, elem: e, count: n, loc: locOf(value) };
}

/**
 * DataView's little-endian flag where the code fixes it: a literal, or a
 * name whose type is one (`const LE = true`). A flag chosen at run time
 * (`os.endianness() === "LE"`) states no order, and none is compared.
 */
function littleFlag(arg: Node): boolean | undefined {
  if (Node.isTrueLiteral(arg)) return true;
  if (Node.isFalseLiteral(arg)) return false;
  const t = arg.getType();
  if (t.isBooleanLiteral()) return t.getText() === "true";
  return undefined;
}

function nestedTwin(callee: Node, twins: Map<Node, string>): string | undefined {
  for (const decl of callee.getSymbol()?.getDeclarations() ?? []) {
    const fn = Node.isVariableDeclaration(decl) ? decl.getInitializer() : decl;
    const name = fn ? twins.get(fn) : undefined;
    if (name) return name;
  }
  return undefined;
}

/**
 * A field taken out of a wider read: `(x >>> S) & M`, `x & M`, the
 * sign-extending `(x << L) >> R` and `BigInt.asUintN(N, x >> Sn)` that
 * abidrift writes. Bit numbering follows the read's byte order, as C's
 * bitfields do on that machine.
 */
function bitfieldOf(value: Node, read: Piece): Piece | undefined {
  if (read.elem.kind !== "scalar") return undefined;
  const r = read.elem.read;
  const found = shiftAndWidth(unwrap(value));
  if (!found) return undefined;
  const { shift, bits } = found;
  if (bits <= 0 || shift < 0 || shift + bits > r.size * 8 || bits === r.size * 8) return undefined;
  const within = r.order === "big" ? r.size * 8 - shift - bits : shift;
  return { ...read, bitOffset: read.bitOffset + within, bitSize: bits };
}

function shiftAndWidth(n: Node): { shift: number; bits: number } | undefined {
  if (Node.isBinaryExpression(n)) {
    const op = n.getOperatorToken().getText();
    const right = numberOf(n.getRight());
    if (right === undefined) return undefined;
    const left = unwrap(n.getLeft());
    if (op === "&") {
      const bits = maskBits(right);
      if (bits === undefined) return undefined;
      if (Node.isBinaryExpression(left) && (left.getOperatorToken().getText() === ">>>" || left.getOperatorToken().getText() === ">>")) {
        const shift = numberOf(left.getRight());
        return shift === undefined ? undefined : { shift, bits };
      }
      return { shift: 0, bits };
    }
    if (op === ">>" && Node.isBinaryExpression(left) && left.getOperatorToken().getText() === "<<") {
      const up = numberOf(left.getRight());
      if (up === undefined) return undefined;
      const bits = 32 - right;
      return { shift: 32 - up - bits, bits };
    }
    return undefined;
  }
  if (Node.isCallExpression(n) && /^BigInt\.as(Uint|Int)N$/.test(n.getExpression().getText())) {
    const [w, x] = n.getArguments();
    const bits = w ? numberOf(w) : undefined;
    if (bits === undefined || !x) return undefined;
    const inner = unwrap(x);
    if (Node.isBinaryExpression(inner) && inner.getOperatorToken().getText() === ">>") {
      const shift = numberOf(inner.getRight());
      return shift === undefined ? undefined : { shift, bits };
    }
    return { shift: 0, bits };
  }
  return undefined;
}

/** Strips what does not move bits: parentheses, `Number()`, `BigInt()`, `!== 0`, `| 0`. */
function unwrap(n: Node): Node {
  for (let depth = 0; depth < 16; depth++) {
    if (Node.isParenthesizedExpression(n)) n = n.getExpression();
    else if (Node.isCallExpression(n) && /^(Number|BigInt)$/.test(n.getExpression().getText()) && n.getArguments().length === 1) n = n.getArguments()[0]!;
    else if (Node.isBinaryExpression(n) && /^(!==|!=|\|)$/.test(n.getOperatorToken().getText()) && numberOf(n.getRight()) === 0) n = n.getLeft();
    else break;
  }
  return n;
}

function numberOf(n: Node): number | undefined {
  if (Node.isNumericLiteral(n)) return Number(n.getLiteralValue());
  if (Node.isBigIntLiteral(n)) return Number(n.getText().slice(0, -1));
  return undefined;
}

function maskBits(mask: number): number | undefined {
  const bits = Math.log2(mask + 1);
  return Number.isInteger(bits) ? bits : undefined;
}
