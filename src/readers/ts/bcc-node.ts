import { Node, type SourceFile } from "ts-morph";
import type { MapRef } from "../../ir/bindings.js";
import type { SourceLoc } from "../../ir/types.js";

// BCC from Node (the `bpfcc` package): `load(`...C...`)` / `loadSync(...)`
// carry the BPF program as a string, and the object they give names its
// tables: `getMap(name, keyConv, valueConv)`, `getArrayMap(name, valueConv)`,
// `getRawMap(name)`. A converter of known width (`u32type` of the `bpf`
// package reads one u32) says how many bytes userspace takes a key or value
// to be.

/** A program carried in a string, at the file line its C starts on. */
export interface NodeBccProgram {
  text: string;
  line: number;
  loc: SourceLoc;
  /** The program's label, as `BpfModule.program` and `MapRef.programs` name it. */
  program: string;
}

const LOADERS = new Set(["load", "loadSync"]);
const MAP_GETTERS: Record<string, { key?: number; value?: number }> = {
  getMap: { key: 1, value: 2 },
  getArrayMap: { value: 1 },
  getRawMap: {},
  getRawArrayMap: {},
  getQueueMap: {},
  getRawQueueMap: {},
  getMapRef: {},
};
/** Converters the `bpf` package exports, by the bytes they read: its parse is `asUint32Array(buf, 1)[0]`. */
const CONVERTER_WIDTHS: Record<string, number> = { u32type: 4 };
/** Element bytes of the typed arrays a converter's parse may view the buffer as. */
const ARRAY_WIDTHS: Record<string, number> = { Uint8Array: 1, Int8Array: 1, Uint16Array: 2, Int16Array: 2, Uint32Array: 4, Int32Array: 4, BigUint64Array: 8, BigInt64Array: 8, Float32Array: 4, Float64Array: 8 };
const BCC_TEXT = /\bBPF_[A-Z_]+\s*\(/;

export function findNodeBcc(sf: SourceFile, file: string, locOf: (n: Node) => SourceLoc): { programs: NodeBccProgram[]; maps: MapRef[] } {
  const programs: NodeBccProgram[] = [];
  const objects = new Map<string, string>();
  const maps: MapRef[] = [];
  sf.forEachDescendant((n) => {
    if (!Node.isCallExpression(n)) return;
    const callee = n.getExpression();
    const name = Node.isIdentifier(callee) ? callee.getText() : Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
    const arg = n.getArguments()[0];
    if (name && LOADERS.has(name) && arg && (Node.isNoSubstitutionTemplateLiteral(arg) || Node.isStringLiteral(arg)) && BCC_TEXT.test(arg.getLiteralText())) {
      const loc = locOf(n);
      const program = `${file}:${loc.line}`;
      programs.push({ text: arg.getLiteralText(), line: sf.getLineAndColumnAtPos(arg.getStart()).line, loc, program });
      const bound = boundName(n);
      if (bound) objects.set(bound, program);
      return;
    }
    if (!Node.isPropertyAccessExpression(callee)) return;
    const getter = MAP_GETTERS[callee.getName()];
    const program = objects.get(callee.getExpression().getText());
    const mapName = n.getArguments()[0];
    if (!getter || program === undefined || !mapName || !Node.isStringLiteral(mapName)) return;
    const ref: MapRef = { name: mapName.getLiteralText(), loc: locOf(n), via: callee.getName(), programs: [program] };
    const width = (i: number | undefined) => {
      const conv = i === undefined ? undefined : n.getArguments()[i];
      const w = conv && converterWidth(conv);
      return w === undefined ? undefined : { value: w, loc: locOf(conv!) };
    };
    const key = width(getter.key);
    const value = width(getter.value);
    if (key) ref.keySize = key;
    if (value) ref.valueSize = value;
    maps.push(ref);
  });
  return { programs, maps };
}

/** `const bpf = loadSync(...)`, `const bpf = await load(...)`. */
function boundName(call: Node): string | undefined {
  let p = call.getParent();
  if (p && Node.isAwaitExpression(p)) p = p.getParent();
  return p && Node.isVariableDeclaration(p) ? p.getName() : undefined;
}

/**
 * The bytes a converter reads: `u32type`, or an object (inline, or a const of
 * this file) whose `parse` makes one read at the buffer's start,
 * `buf.readBigUInt64LE(0)` or `asUint32Array(buf, 1)[0]`.
 */
function converterWidth(conv: Node): number | undefined {
  let obj: Node | undefined = conv;
  if (Node.isIdentifier(conv)) {
    if (Object.hasOwn(CONVERTER_WIDTHS, conv.getText())) return CONVERTER_WIDTHS[conv.getText()];
    const decl = conv.getSymbol()?.getDeclarations()[0];
    obj = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  const parse = obj.getProperty("parse");
  const body = parse && (Node.isPropertyAssignment(parse) ? parse.getInitializer() : Node.isMethodDeclaration(parse) ? parse : undefined);
  if (!body) return undefined;
  const widths: number[] = [];
  body.forEachDescendant((d) => {
    if (!Node.isCallExpression(d)) return;
    const callee = d.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
    const read = /^read(Big)?(U?Int)(8|16|32|64)(LE|BE)?$/.exec(name);
    const view = /^as(\w+Array)$/.exec(name);
    const count = d.getArguments()[1];
    if (read && d.getArguments()[0]?.getText() === "0") widths.push(Number(read[3]) / 8);
    else if (view && Object.hasOwn(ARRAY_WIDTHS, view[1]!) && count && Node.isNumericLiteral(count)) widths.push(ARRAY_WIDTHS[view[1]!]! * Number(count.getLiteralValue()));
  });
  return widths.length === 1 ? widths[0] : undefined;
}
