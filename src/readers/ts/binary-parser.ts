import { Node, type CallExpression, type SourceFile } from "ts-morph";
import type { ByteOrder } from "../../ir/byte-order.js";
import type { SourceLoc } from "../../ir/types.js";
import { constantOffset } from "./offsets.js";
import { binaryParserRead, type ScalarRead } from "../../ir/ts-reads.js";
import type { FieldElem, TwinDecl, TwinField } from "./twin-decl.js";

// binary-parser chains: `new Parser().endianness("little").uint32("pid")
// .string("comm", { length: 16 })`. Fields follow each other with no
// padding; `seek(n)` (or the old `skip`) steps over bytes. The parser's
// default byte order is big-endian, as binary-parser's own.

const MAX_CHAIN = 4096;

export function findParsers(sf: SourceFile, locOf: (n: Node) => SourceLoc): TwinDecl[] {
  const out: TwinDecl[] = [];
  const byVar = new Map<string, TwinDecl>();
  for (const v of sf.getVariableDeclarations()) {
    const init = v.getInitializer();
    if (!init || !Node.isCallExpression(init)) continue;
    const calls = chainOf(init);
    if (!calls) continue;
    const decl = readChain(twinNameOf(v.getName()), calls, byVar, locOf, locOf(v));
    if (!decl) continue;
    byVar.set(v.getName(), decl);
    out.push(decl);
  }
  return out;
}

/** `probeEventParser` → `ProbeEvent`: the parser's name without `Parser`. */
function twinNameOf(varName: string): string {
  const bare = varName.replace(/_?[Pp]arser$/, "") || varName;
  return bare[0]!.toUpperCase() + bare.slice(1);
}

/** The calls of a chain in source order, when it starts at `new Parser()`. */
function chainOf(last: CallExpression): CallExpression[] | undefined {
  const calls: CallExpression[] = [];
  let n: Node = last;
  for (let i = 0; i < MAX_CHAIN && Node.isCallExpression(n); i++) {
    calls.push(n);
    const callee = n.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    n = callee.getExpression();
  }
  if (!Node.isNewExpression(n) || n.getExpression().getText() !== "Parser") return undefined;
  return calls.reverse();
}

function readChain(name: string, calls: CallExpression[], parsers: Map<string, TwinDecl>, locOf: (n: Node) => SourceLoc, loc: SourceLoc): TwinDecl | undefined {
  let endian: ByteOrder = "big";
  let at = 0;
  const fields: TwinField[] = [];
  for (const call of calls) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.getName();
    const args = call.getArguments();
    const fieldName = args[0] && Node.isStringLiteral(args[0]) ? args[0].getLiteralValue() : undefined;
    const opt = (key: string): Node | undefined => {
      const o = args[1];
      if (!o || !Node.isObjectLiteralExpression(o)) return undefined;
      const p = o.getProperty(key);
      return p && Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
    };
    const push = (elem: FieldElem, size: number, count: number): void => {
      if (fieldName !== undefined) fields.push({ name: fieldName, bitOffset: at * 8, bitSize: 0, elem, count, loc: locOf(callee.getNameNode()) });
      at += size * Math.max(count, 1);
    };
    if (method === "endianness" || method === "endianess") {
      const v = args[0] && Node.isStringLiteral(args[0]) ? args[0].getLiteralValue() : "";
      endian = v === "little" ? "little" : "big";
      continue;
    }
    if (method === "seek" || method === "skip") {
      const n = args[0] ? constantOffset(args[0]) : undefined;
      if (n === undefined) return undefined;
      at += n;
      continue;
    }
    const scalar = binaryParserRead(method, endian);
    if (scalar) {
      push({ kind: "scalar", read: scalar }, scalar.size, 0);
      continue;
    }
    if (method === "string" || method === "buffer") {
      const len = opt("length");
      const n = len ? constantOffset(len) : undefined;
      if (n === undefined) return undefined;
      push({ kind: method === "string" ? "char" : "u8" }, 1, n);
      continue;
    }
    if (method === "array") {
      const type = opt("type");
      const len = opt("length");
      const n = len ? constantOffset(len) : undefined;
      if (!type || n === undefined) return undefined;
      const elem = elemOf(type, endian, parsers);
      if (!elem) return undefined;
      push(elem.elem, elem.size, n);
      continue;
    }
    if (method === "nest") {
      const type = opt("type");
      const inner = type && Node.isIdentifier(type) ? parsers.get(type.getText()) : undefined;
      if (!inner || inner.size === undefined) return undefined;
      push({ kind: "struct", twin: inner.name }, inner.size, 0);
      continue;
    }
    // Anything else (choice, bit fields, pointers, dynamic lengths) has no fixed layout to compare.
    return undefined;
  }
  return fields.length ? { name, loc, fields, size: at, method: "binary-parser", packed: true } : undefined;
}

function elemOf(type: Node, endian: ByteOrder, parsers: Map<string, TwinDecl>): { elem: FieldElem; size: number } | undefined {
  if (Node.isStringLiteral(type)) {
    const read: ScalarRead | undefined = binaryParserRead(type.getLiteralValue(), endian);
    return read ? { elem: { kind: "scalar", read }, size: read.size } : undefined;
  }
  if (Node.isIdentifier(type)) {
    const inner = parsers.get(type.getText());
    return inner && inner.size !== undefined ? { elem: { kind: "struct", twin: inner.name }, size: inner.size } : undefined;
  }
  return undefined;
}
