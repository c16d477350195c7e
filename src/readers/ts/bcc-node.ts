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
      const w = conv && Node.isIdentifier(conv) ? CONVERTER_WIDTHS[conv.getText()] : undefined;
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
