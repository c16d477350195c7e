import type { Node } from "web-tree-sitter";
import type { CtypesField, CtypesRecord } from "../../ir/layout/ctypes.js";
import type { SourceLoc } from "../../ir/types.js";
import type { ModuleScope } from "./scope.js";
import { field, locOf, unparen } from "./syntax.js";
import { Evaluator, short } from "./values.js";

// ctypes Structure and Union classes as declarations for the layout engine:
// the base class decides kind and byte order, `_fields_` (in the body or
// assigned to the class later) the members, `_pack_` and `_anonymous_` the
// rest. A class whose fields cannot be known is left out with the reason.

const BASES: Record<string, Pick<CtypesRecord, "kind" | "byteOrder">> = {
  Structure: { kind: "struct", byteOrder: "native" },
  Union: { kind: "union", byteOrder: "native" },
  BigEndianStructure: { kind: "struct", byteOrder: "big" },
  LittleEndianStructure: { kind: "struct", byteOrder: "little" },
  BigEndianUnion: { kind: "union", byteOrder: "big" },
  LittleEndianUnion: { kind: "union", byteOrder: "little" },
};

export interface CtypesClasses {
  records: CtypesRecord[];
  /** Record index by class name. */
  index: Map<string, number>;
  problems: { message: string; loc: SourceLoc }[];
}

interface Candidate {
  name: string;
  node: Node;
  attrs: Map<string, Node>;
  base?: string;
  root?: Pick<CtypesRecord, "kind" | "byteOrder">;
}

export function readCtypesClasses(file: string, scope: ModuleScope): CtypesClasses {
  const problems: CtypesClasses["problems"] = [];
  const candidates = new Map<string, Candidate>();
  for (const [name, node] of scope.classes) {
    const c: Candidate = { name, node, attrs: new Map() };
    for (const sup of field(node, "superclasses")?.namedChildren ?? []) {
      const ct = scope.member(sup, "ctypes");
      if (ct && Object.hasOwn(BASES, ct)) c.root = BASES[ct];
      else if (sup.type === "identifier" && scope.classes.has(sup.text)) c.base = sup.text;
    }
    for (const stmt of field(node, "body")?.namedChildren ?? []) {
      const a = stmt.type === "expression_statement" ? stmt.firstNamedChild : undefined;
      if (a?.type !== "assignment") continue;
      const left = field(a, "left");
      const right = field(a, "right");
      if (left?.type === "identifier" && right && left.text.startsWith("_") && left.text.endsWith("_")) c.attrs.set(left.text, right);
    }
    candidates.set(name, c);
  }
  // `Event._fields_ = [...]` after the class: how self-referencing classes are written.
  for (const n of scope.of("assignment")) {
    const left = field(n, "left");
    const right = field(n, "right");
    if (left?.type === "attribute" && right) {
      const obj = field(left, "object");
      const attr = field(left, "attribute")?.text;
      const c = obj?.type === "identifier" ? candidates.get(obj.text) : undefined;
      if (c && attr && /^_(fields|pack|anonymous|align|layout)_$/.test(attr)) c.attrs.set(attr, right);
    }
  }

  // Which candidates are ctypes records, and their kind, through base chains.
  const kindOf = (c: Candidate, depth = 0): Pick<CtypesRecord, "kind" | "byteOrder"> | undefined => {
    if (c.root) return c.root;
    const b = c.base ? candidates.get(c.base) : undefined;
    return b && depth < 32 ? kindOf(b, depth + 1) : undefined;
  };
  const names = [...candidates.values()].filter((c) => kindOf(c) !== undefined).map((c) => c.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const evaluator = new Evaluator(scope, (n) => index.get(n));
  const records: (CtypesRecord | undefined)[] = names.map((name) => {
    const c = candidates.get(name)!;
    return readClass(c, kindOf(c)!, evaluator, index, file, problems);
  });

  // Drop classes that could not be read, then those that use them, and renumber.
  for (let changed = true; changed; ) {
    changed = false;
    records.forEach((r, i) => {
      if (!r) return;
      const broken = (r.base !== undefined && !records[r.base]) || r.fields.some((f) => usesMissing(f, records));
      if (broken) {
        problems.push({ message: `ctypes class ${r.name} is left out: it uses a class that could not be read`, loc: r.loc! });
        records[i] = undefined;
        changed = true;
      }
    });
  }
  const kept = records.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
  const renumber = new Map(kept.map((old, i) => [old, i]));
  const out = kept.map((old) => renumberRecord(records[old]!, renumber));
  return { records: out, index: new Map(out.map((r, i) => [r.name, i])), problems };
}

function readClass(
  c: Candidate,
  kind: Pick<CtypesRecord, "kind" | "byteOrder">,
  evaluator: Evaluator,
  index: Map<string, number>,
  file: string,
  problems: CtypesClasses["problems"],
): CtypesRecord | undefined {
  const nameNode = field(c.node, "name") ?? c.node;
  const loc = locOf(file, nameNode);
  const record: CtypesRecord = { name: c.name, ...kind, fields: [], loc };
  if (c.base !== undefined && index.has(c.base)) record.base = index.get(c.base)!;
  const fail = (message: string, at: Node): undefined => {
    problems.push({ message: `ctypes class ${c.name}: ${message}`, loc: locOf(file, at) });
    return undefined;
  };
  const pack = c.attrs.get("_pack_");
  if (pack) {
    const v = evaluator.eval(pack);
    if (v.k !== "int" || v.v < 0) return fail(`_pack_ ${short(pack.text)} is not a constant non-negative integer`, pack);
    record.pack = v.v;
  }
  const layout = c.attrs.get("_layout_");
  if (layout) {
    const v = evaluator.eval(layout);
    if (v.k !== "str" || (v.v !== "ms" && v.v !== "gcc-sysv")) return fail(`_layout_ ${short(layout.text)} is not 'ms' or 'gcc-sysv'`, layout);
    record.layout = v.v;
  }
  const align = c.attrs.get("_align_");
  if (align) problems.push({ message: `ctypes class ${c.name}: _align_ (honoured from CPython 3.13 on) is not modelled; laid out without it`, loc: locOf(file, align) });
  const anon = c.attrs.get("_anonymous_");
  if (anon) {
    const items = unparen(anon);
    record.anonymous = items.namedChildren.map((x) => evaluator.eval(x)).flatMap((v) => (v.k === "str" ? [v.v] : []));
  }
  const fields = c.attrs.get("_fields_");
  if (!fields) return record;
  const list = unparen(fields);
  if (list.type !== "list" && list.type !== "tuple") return fail(`_fields_ is ${short(list.text)}, not a list of tuples`, list);
  for (const item of list.namedChildren) {
    if (item.type === "comment") continue;
    const t = unparen(item);
    const parts = t.type === "tuple" || t.type === "list" ? t.namedChildren.filter((x) => x.type !== "comment") : [];
    if (parts.length < 2 || parts.length > 3) return fail(`field ${short(t.text)} is not a (name, type) or (name, type, bits) tuple`, t);
    const name = evaluator.eval(parts[0]!);
    if (name.k !== "str" || name.unresolved.length) return fail(`field name ${short(parts[0]!.text)} is not a constant string`, parts[0]!);
    const type = evaluator.eval(parts[1]!);
    if (type.k !== "type") return fail(`type of field ${name.v}: ${type.k === "unknown" ? type.why : `${short(parts[1]!.text)} is not a ctypes type`}`, parts[1]!);
    const f: CtypesField = { name: name.v, type: type.ref, loc: locOf(file, t) };
    if (parts[2]) {
      const bits = evaluator.eval(parts[2]);
      if (bits.k !== "int") return fail(`bit width of field ${name.v} is not a constant integer`, parts[2]);
      f.bits = bits.v;
    }
    record.fields.push(f);
  }
  return record;
}

function usesMissing(f: CtypesField, records: (CtypesRecord | undefined)[]): boolean {
  let ref = f.type;
  for (let depth = 0; depth < 64; depth++) {
    if (ref.kind === "record") return !records[ref.index];
    if (ref.kind === "array") ref = ref.elem;
    else return false;
  }
  return false;
}

function renumberRecord(r: CtypesRecord, map: Map<number, number>): CtypesRecord {
  const fix = (ref: CtypesField["type"]): CtypesField["type"] => {
    switch (ref.kind) {
      case "record":
        return { kind: "record", index: map.get(ref.index)! };
      case "array":
        return { ...ref, elem: fix(ref.elem) };
      case "pointer":
        // A pointer to a dropped class still has a pointer's size.
        return ref.to ? { kind: "pointer", to: ref.to.kind === "record" && !map.has(ref.to.index) ? undefined : fix(ref.to) } : ref;
      default:
        return ref;
    }
  };
  return { ...r, base: r.base === undefined ? undefined : map.get(r.base), fields: r.fields.map((f) => ({ ...f, type: fix(f.type) })) };
}
