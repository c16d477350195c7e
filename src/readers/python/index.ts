import type { BpfModule, DecodeSite, MapRef, Suppression, TwinType, UserspaceModule, UserspaceReader } from "../../ir/bindings.js";
import { InputError } from "../../ir/errors.js";
import type { ListGraph, TypeGraph } from "../../ir/graph.js";
import { CTYPES_SCALARS, ctypesRejects, DEFAULT_PYTHON, formatPython, layoutCtypes, type CtypesRecord, type CtypesRecordInfo, type CtypesTypeRef, type PythonVersion } from "../../ir/layout/ctypes.js";
import { addStructFormatType, parseStructFormat, type StructFormat } from "../../ir/layout/struct-format.js";
import { TARGETS, type Target } from "../../ir/targets.js";
import type { SourceLoc, TypeId } from "../../ir/types.js";
import { readBcc } from "./bcc.js";
import { readCtypesClasses } from "./ctypes-classes.js";
import { readEmbeddedC } from "./embedded-c.js";
import { parsePython } from "./parser.js";
import { ModuleScope } from "./scope.js";
import { walk } from "./syntax.js";
import { ignoreIn, mirrorsIn, suppressing } from "../../ir/directives.js";

// A Python file's claims about the ABI: its ctypes classes (twins), the
// tables its BCC program uses with the key, value and record types it
// passes, the struct formats it decodes with, and the C program it carries.

type Problem = UserspaceModule["problems"][number];

export const readPython: UserspaceReader = async (file, text, opts) => {
  const tree = await parsePython(text);
  try {
    const problems: Problem[] = [];
    const root = tree.rootNode;
    if (root.hasError) reportSyntaxErrors(file, root, problems);
    const scope = new ModuleScope(root);
    const classes = readCtypesClasses(file, scope);
    problems.push(...classes.problems);
    const python = opts.python ?? DEFAULT_PYTHON;
    const records = dropInvalid(classes.records, problems, python);
    const index = new Map(records.map((r, i) => [r.name, i]));
    const bcc = readBcc(file, scope, (n) => index.get(n));

    // Every type a map use or decode names gets an id after the records'.
    const extra: CtypesTypeRef[] = [];
    const refId = (ref: CtypesTypeRef): number => extra.push(ref) - 1;
    const formats: { format: StructFormat; loc: SourceLoc }[] = [];
    const maps: MapRef[] = [];
    const decodeRefs: { extra: number; site: Omit<DecodeSite, "typeId"> }[] = [];
    const formatRefs: { format: number; site: Omit<DecodeSite, "typeId"> }[] = [];
    const keyRefs: { map: MapRef; key?: number; value?: number; keyLoc?: SourceLoc; valueLoc?: SourceLoc }[] = [];
    for (const use of bcc.tables) {
      const map: MapRef = { name: use.table.name, loc: use.loc, via: use.via, programs: use.table.programs };
      maps.push(map);
      if (use.key || use.value) {
        keyRefs.push({ map, key: use.key && refId(use.key.ref), value: use.value && refId(use.value.ref), keyLoc: use.key?.loc, valueLoc: use.value?.loc });
      }
    }
    for (const c of bcc.casts) {
      const byteOrder = c.ref.kind === "record" ? records[c.ref.index]?.byteOrder : undefined;
      decodeRefs.push({
        extra: refId(c.ref),
        site: { loc: c.loc, method: c.method, mode: "native", byteOrder: byteOrder ?? "native", ...(c.table !== undefined ? { mapName: c.table.name, programs: c.table.programs } : {}) },
      });
    }
    for (const u of bcc.unpacks) {
      let format: StructFormat;
      try {
        format = parseStructFormat(u.format, file, u.loc);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push({ message: e.detail, loc: u.loc });
        continue;
      }
      formats.push({ format, loc: u.loc });
      formatRefs.push({
        format: formats.length - 1,
        site: { loc: u.loc, method: "struct.unpack", mode: format.native ? "native" : "packed", byteOrder: format.byteOrder, ...(u.table !== undefined ? { mapName: u.table.name, programs: u.table.programs } : {}) },
      });
    }

    const graphs = new Map<string, { graph: ListGraph; ids: TypeId[]; extraIds: TypeId[]; formatIds: TypeId[]; records: CtypesRecordInfo[] }>();
    const laid = (target: Target) => {
      const known = graphs.get(target.name);
      if (known) return known;
      const formatIds: TypeId[] = [];
      const l = layoutCtypes(
        records,
        target,
        file,
        extra,
        (b) => {
          for (const f of formats) formatIds.push(addStructFormatType(b, f.format, target, f.loc));
        },
        python,
      );
      const out = { graph: l.graph, ids: l.ids, extraIds: l.extraIds, formatIds, records: l.records };
      graphs.set(target.name, out);
      return out;
    };
    // The host's layout now: what cannot be laid out is bad input, said here.
    const host = laid(TARGETS.x86_64);
    reportUndefinedBits(records, host.records, python, problems);

    for (const k of keyRefs) {
      if (k.key !== undefined) k.map.keyType = { value: host.extraIds[k.key]!, loc: k.keyLoc! };
      if (k.value !== undefined) k.map.valueType = { value: host.extraIds[k.value]!, loc: k.valueLoc! };
    }
    const decodes: DecodeSite[] = [
      ...decodeRefs.map((d) => ({ typeId: host.extraIds[d.extra]!, ...d.site })),
      ...formatRefs.map((d) => ({ typeId: host.formatIds[d.format]!, ...d.site })),
    ];
    const lines = text.split("\n");
    const twins: TwinType[] = records.map((r, i) => twin(r, host.ids[i]!, lines, file));
    for (const p of bcc.programs) {
      if (p.unresolved.length) problems.push({ message: runTimeNote(p.unresolved, p.text.trim() === "" && p.srcFile === undefined), loc: p.loc });
    }
    const embeddedBpf: BpfModule[] = await readEmbeddedC(file, bcc.programs, opts.btf, problems);

    return {
      file,
      language: "python",
      ctypesPrefix: scope.ctypesPrefix(),
      twins,
      maps,
      decodes,
      suppressions: suppressions(lines),
      problems,
      layout: (target: Target): TypeGraph => laid(target).graph,
      ...(embeddedBpf.length ? { embeddedBpf } : {}),
    };
  } finally {
    tree.delete();
  }
};

/** `abidrift layout FILE.py`: every Structure and Union of the file, laid out for `target`. */
export async function layoutPythonFile(path: string, text: string, target: Target, python?: PythonVersion): Promise<{ graph: TypeGraph; types: { name: string; typeId: TypeId }[]; problems: Problem[] }> {
  const m = await readPython(path, text, python ? { python } : {});
  return { graph: m.layout(target, "native"), types: m.twins.map((t) => ({ name: t.name, typeId: t.typeId })), problems: m.problems };
}

function twin(r: CtypesRecord, typeId: TypeId, lines: string[], file: string): TwinType {
  const t: TwinType = { name: r.name, typeId, loc: r.loc! };
  // `# abidrift:mirrors struct event` on the class line or the line above it.
  const line = r.loc!.line!;
  for (const l of [line, line - 1]) {
    const text = lines[l - 1] ?? "";
    const hash = text.indexOf("#");
    const m = hash < 0 ? undefined : mirrorsIn(text.slice(hash));
    if (m) {
      t.mirrors = { name: m.name, loc: { file, line: l, column: hash + m.index + 1 } };
      break;
    }
  }
  return t;
}

function suppressions(lines: string[]): Suppression[] {
  const out: Suppression[] = [];
  lines.forEach((l, i) => {
    const hash = l.indexOf("#");
    const m = hash < 0 ? undefined : ignoreIn(l.slice(hash));
    if (m) out.push(...suppressing(i + 2, m.rules));
  });
  return out;
}

function reportSyntaxErrors(file: string, root: import("web-tree-sitter").Node, problems: Problem[]): void {
  let count = 0;
  walk(root, (n) => {
    if (count >= 5) return false;
    if (n.type === "ERROR" || n.isMissing) {
      count++;
      problems.push({ message: n.isMissing ? `syntax error: missing ${n.type}` : "syntax error", loc: { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 } });
      return false;
    }
    return true;
  });
}

/**
 * Classes CPython would refuse to create (a bitfield of a float, a width
 * wider than its type, a class containing itself) are left out with the
 * reason, and so are the classes that use them.
 */
function dropInvalid(records: CtypesRecord[], problems: Problem[], python: PythonVersion): CtypesRecord[] {
  const bad = new Set<number>();
  records.forEach((r, i) => {
    const why = ctypesRejects(records, i, python);
    if (why !== undefined) {
      problems.push({ message: `ctypes class ${r.name}: ${why}`, loc: r.loc! });
      bad.add(i);
      return;
    }
    for (const f of r.fields) {
      if (f.bits === undefined) continue;
      const info = f.type.kind === "scalar" ? CTYPES_SCALARS[f.type.name] : undefined;
      const size = info ? (info.kind === "wchar" ? 4 : TARGETS.x86_64.scalars[info.kind]?.size ?? 0) : 0;
      if (!info?.bitfield || f.bits <= 0 || f.bits > size * 8) {
        problems.push({ message: `ctypes class ${r.name}: field ${f.name}: CPython rejects this bit field`, loc: f.loc ?? r.loc! });
        bad.add(i);
      }
    }
  });
  const inside = (ref: CtypesTypeRef): number | undefined => (ref.kind === "record" ? ref.index : ref.kind === "array" ? inside(ref.elem) : undefined);
  const cyclic = (i: number, path: Set<number>): boolean => {
    if (path.has(i)) return true;
    path.add(i);
    const r = records[i]!;
    const next = [...r.fields.map((f) => inside(f.type)), r.base].filter((x): x is number => x !== undefined);
    const found = next.some((n) => cyclic(n, path));
    path.delete(i);
    return found;
  };
  records.forEach((r, i) => {
    if (!bad.has(i) && cyclic(i, new Set())) {
      problems.push({ message: `ctypes class ${r.name} contains itself`, loc: r.loc! });
      bad.add(i);
    }
  });
  if (bad.size === 0) return records;
  // Drop the bad ones and what uses them, renumbering references.
  for (let changed = true; changed; ) {
    changed = false;
    records.forEach((r, i) => {
      if (bad.has(i)) return;
      const uses = [...r.fields.map((f) => inside(f.type)), r.base].some((x) => x !== undefined && bad.has(x));
      if (uses) {
        bad.add(i);
        changed = true;
        problems.push({ message: `ctypes class ${r.name} is left out: it uses a class CPython would not create`, loc: r.loc! });
      }
    });
  }
  const kept = records.map((_, i) => i).filter((i) => !bad.has(i));
  const map = new Map(kept.map((old, i) => [old, i]));
  const fix = (ref: CtypesTypeRef): CtypesTypeRef => {
    if (ref.kind === "record") return { kind: "record", index: map.get(ref.index)! };
    if (ref.kind === "array") return { ...ref, elem: fix(ref.elem) };
    if (ref.kind === "pointer" && ref.to) return ref.to.kind === "record" && !map.has(ref.to.index) ? { kind: "pointer" } : { kind: "pointer", to: fix(ref.to) };
    return ref;
  };
  return kept.map((old) => {
    const r = records[old]!;
    return { ...r, base: r.base === undefined ? undefined : map.get(r.base), fields: r.fields.map((f) => ({ ...f, type: fix(f.type) })) };
  });
}

/**
 * A bitfield cfield.c reads by shifting its own type past its width, or from
 * before a Union's start, has no IR member: said here, once per field.
 */
function reportUndefinedBits(records: CtypesRecord[], infos: readonly CtypesRecordInfo[], python: PythonVersion, problems: Problem[]): void {
  records.forEach((r, i) => {
    for (const [j, f] of infos[i]!.fields.entries()) {
      if (!f.undefinedBits) continue;
      problems.push({
        message: `ctypes class ${r.name}: field ${f.name}: CPython ${formatPython(python)} reads this bitfield outside its own type's storage (it continues a unit opened by another type), so what it reads is undefined; left out (CPython 3.14 lays it out as C does)`,
        loc: r.fields[j]!.loc ?? r.loc!,
      });
    }
  });
}

/**
 * One short note for the parts of a BCC program's text that Python fills in
 * at run time: each named once (a placeholder replaced in three places is
 * one), the first three spelled out.
 */
function runTimeNote(unresolved: readonly string[], whole: boolean): string {
  const subjects = [...new Set(unresolved.map((u) => u.replace(/ (is (replaced by|computed at run time)).*$/, "")))];
  const shown = subjects.slice(0, 3).join(", ") + (subjects.length > 3 ? ` and ${subjects.length - 3} more` : "");
  if (whole) return `BPF program text: only run time knows it (${shown}); its tables pair with nothing`;
  return `BPF program text: ${subjects.length === 1 ? "1 part is" : `${subjects.length} parts are`} computed at run time (${shown}); read with the placeholders as written`;
}
