// Compares a type graph read by abidrift with bpftool's raw dump of the same
// BTF, type by type and figure by figure. Returns one line per difference,
// so a failing test shows every disagreement at once.
import type { TypeGraph } from "../../../src/ir/graph.js";
import type { Type } from "../../../src/ir/types.js";
import type { BtfRecord } from "../../oracles/bpftool.js";

/** bpftool's kind for an IR node; ENUM64 and ENUM are both `enum` in the IR. */
const KIND: Record<string, string[]> = {
  int: ["INT"],
  ptr: ["PTR"],
  array: ["ARRAY"],
  struct: ["STRUCT"],
  union: ["UNION"],
  enum: ["ENUM", "ENUM64"],
  fwd: ["FWD"],
  typedef: ["TYPEDEF"],
  volatile: ["VOLATILE"],
  const: ["CONST"],
  restrict: ["RESTRICT"],
  func: ["FUNC"],
  func_proto: ["FUNC_PROTO"],
  var: ["VAR"],
  datasec: ["DATASEC"],
  float: ["FLOAT"],
  decl_tag: ["DECL_TAG"],
  type_tag: ["TYPE_TAG"],
};

export function irName(t: Type): string {
  if (t.kind === "decl_tag" || t.kind === "type_tag") return t.tag ?? "";
  return "name" in t ? t.name : "";
}

/** Kind and name of every record; with `full`, every figure too. */
export function diffGraph(graph: TypeGraph, records: readonly BtfRecord[], opts: { full: boolean }): string[] {
  const out: string[] = [];
  const firstId = records[0]?.id ?? 1;
  const expectedCount = (records.at(-1)?.id ?? 0) + 1;
  if (graph.count !== expectedCount) out.push(`count: abidrift ${graph.count}, bpftool ${expectedCount}`);
  for (const r of records) {
    let t: Type;
    try {
      t = graph.type(r.id);
    } catch (e) {
      out.push(`[${r.id}] ${r.kind} '${r.name}': abidrift threw ${(e as Error).message}`);
      continue;
    }
    const problems: string[] = [];
    if (!KIND[t.kind]?.includes(r.kind)) problems.push(`kind ${t.kind}`);
    else {
      if (irName(t) !== r.name) problems.push(`name ${JSON.stringify(irName(t))}`);
      if (opts.full) diffFigures(t, r, problems);
    }
    if (problems.length) out.push(`[${r.id}] ${r.kind} '${r.name}' (first id ${firstId}): abidrift has ${problems.join(", ")}`);
  }
  return out;
}

function diffFigures(t: Type, r: BtfRecord, p: string[]): void {
  const eq = (what: string, ours: unknown, theirs: unknown): void => {
    if (ours !== theirs) p.push(`${what} ${String(ours)} (bpftool ${String(theirs)})`);
  };
  switch (t.kind) {
    case "int":
      eq("size", t.size, r.size);
      eq("bits", t.bits, r.nrBits);
      eq("bitOffset", t.bitOffset, r.bitsOffset);
      eq("encoding", t.signed ? "SIGNED" : t.encoding === "char" ? "CHAR" : t.encoding === "bool" ? "BOOL" : "(none)", r.encoding);
      break;
    case "float":
      eq("size", t.size, r.size);
      break;
    case "ptr":
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
      eq("target", t.target, r.typeId);
      break;
    case "array":
      eq("elem", t.elem, r.typeId);
      eq("count", t.count, r.nrElems);
      break;
    case "struct":
    case "union": {
      eq("size", t.size, r.size);
      eq("members", t.members.length, r.members!.length);
      t.members.forEach((m, i) => {
        const o = r.members![i];
        if (!o) return;
        eq(`member ${i} name`, m.name, o.name);
        eq(`member ${i} type`, m.type, o.typeId);
        eq(`member ${i} bitOffset`, m.bitOffset, o.bitsOffset);
        eq(`member ${i} bitSize`, m.bitSize, o.bitfieldSize);
      });
      break;
    }
    case "enum":
      eq("size", t.size, r.size);
      eq("signed", t.signed, r.encoding === "SIGNED");
      eq("values", t.values.length, r.values!.length);
      t.values.forEach((v, i) => {
        const o = r.values![i];
        if (!o) return;
        eq(`value ${i} name`, v.name, o.name);
        eq(`value ${i}`, v.value, o.value);
      });
      break;
    case "fwd":
      eq("fwd kind", t.union ? "union" : "struct", r.fwdKind);
      break;
    case "func":
      eq("proto", t.proto, r.typeId);
      eq("linkage", t.linkage, r.linkage);
      break;
    case "var":
      eq("type", t.type, r.typeId);
      eq("linkage", t.linkage, r.linkage);
      break;
    case "func_proto": {
      eq("ret", t.ret, r.retTypeId);
      // bpftool lists `...` as a last anonymous parameter of type 0.
      const params = r.params!;
      const variadic = params.length > 0 && params.at(-1)!.typeId === 0 && params.at(-1)!.name === "";
      eq("variadic", t.variadic, variadic);
      const fixed = variadic ? params.slice(0, -1) : params;
      eq("params", t.params.length, fixed.length);
      t.params.forEach((q, i) => {
        const o = fixed[i];
        if (!o) return;
        eq(`param ${i} name`, q.name, o.name);
        eq(`param ${i} type`, q.type, o.typeId);
      });
      break;
    }
    case "datasec":
      eq("size", t.size, r.size);
      eq("vars", t.vars.length, r.vars!.length);
      t.vars.forEach((v, i) => {
        const o = r.vars![i];
        if (!o) return;
        eq(`var ${i} type`, v.type, o.typeId);
        eq(`var ${i} offset`, v.offset, o.offset);
        eq(`var ${i} size`, v.size, o.size);
      });
      break;
    case "decl_tag":
      eq("target", t.target, r.typeId);
      eq("component", t.component, r.componentIdx);
      break;
    case "void":
      p.push("void for a non-zero id");
      break;
  }
}

/** Named structs and unions whose name no other struct or union shares. */
export function uniqueAggregates(records: readonly BtfRecord[]): BtfRecord[] {
  const seen = new Map<string, number>();
  for (const r of records) {
    if ((r.kind === "STRUCT" || r.kind === "UNION") && r.name) seen.set(r.name, (seen.get(r.name) ?? 0) + 1);
  }
  return records.filter((r) => (r.kind === "STRUCT" || r.kind === "UNION") && r.name && seen.get(r.name) === 1);
}

/** Finds each unique struct and union by name and checks size, member names, bit offsets and bitfield sizes. */
export function diffByName(graph: TypeGraph, aggregates: readonly BtfRecord[]): string[] {
  const out: string[] = [];
  for (const r of aggregates) {
    const kind = r.kind.toLowerCase();
    const ids = graph.find(r.name).filter((id) => graph.type(id).kind === kind);
    if (ids.length !== 1) {
      out.push(`${kind} ${r.name}: find() gives ${ids.length} ${kind}s`);
      continue;
    }
    const t = graph.type(ids[0]!);
    if (t.kind !== "struct" && t.kind !== "union") continue;
    const ours = JSON.stringify([t.size, t.members.map((m) => [m.name, m.bitOffset, m.bitSize])]);
    const theirs = JSON.stringify([r.size, r.members!.map((m) => [m.name, m.bitsOffset, m.bitfieldSize])]);
    if (ours !== theirs) out.push(`${kind} ${r.name}: abidrift ${ours}, bpftool ${theirs}`);
  }
  return out;
}

export function report(diffs: readonly string[], limit = 25): string {
  return diffs.length <= limit ? diffs.join("\n") : `${diffs.slice(0, limit).join("\n")}\n... and ${diffs.length - limit} more`;
}
