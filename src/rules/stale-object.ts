import { basename } from "node:path";
import { MAX_CHAIN, resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import type { MapDef } from "../ir/maps.js";
import type { SourceLoc, TypeId } from "../ir/types.js";
import type { Finding } from "./finding.js";
import { slotsOf, type Slot } from "./layout-diff.js";
import { at, finding, type ObjectBuild, type Rule } from "./rule.js";

// The commonest drift in a bpf2go project: the C changes, `go generate` is
// not run again, and the committed object and the Go written from it still
// agree with each other, so comparing userspace with the object finds
// nothing. Where the object's C source is in the tree, the source is read as
// its build reads it and compared with the object's BTF: every record and
// map both define must have the same layout. The fix is the rebuild, never
// an edit of the generated files.

export const staleObject: Rule = {
  id: "stale-object",
  title: "Stale BPF object",
  description: "A BPF object in the tree was built from an older version of its C source: a record or map differs between the two.",
  severity: "error",
  docs:
    "Projects commit the objects they build (bpf2go writes `x_bpfel.o` and the Go bindings generated from it; libbpf projects embed `x.bpf.o` in a skeleton). When the C changes and the build is not run again, the object, the generated Go and everything paired with them still agree with each other and describe the old layout, while the program that will be built next, and any reader of the C, see the new one. Where an object and the C source it was built from are both in the tree, the source is read with the include paths and definitions its build uses (the bpf2go line, the Makefile, compile_commands.json; for an object bpf2go built for an architecture, `x_x86_bpfel.o`, its `-D__TARGET_ARCH_x86` too, so a map left out on one architecture is not missing there) and every struct, union and map that both define is compared: size, members' offsets and widths, map type, key and value sizes, max_entries. The finding sits at the C line that changed; its fix is the rebuild (`go generate` for the package whose bpf2go line builds the object, else the Makefile target), which regenerates the object and the generated Go at once. Types the source reads from kernel headers (vmlinux.h) and types it cannot lay out are not compared. An object whose DWARF says what it was built from (clang -g writes DWARF 5, whose line table keeps the MD5 of every file that gave the object code or types) is not read against its source when that source and every project header it includes are named there with the MD5 of their text now: the object was built from them. A project header that gave the table nothing (macros only), an include named by a macro, or a stripped object (bpf2go strips DWARF) means the source is read and compared as above.",
  messages: {
    record: "{{cType}} in {{source}} is not what {{object}} was built from: {{change}}",
    map: "map {{map}} in {{source}} is not what {{object}} was built from: {{change}}",
    newMap: "map {{map}} in {{source}} is not in {{object}}, which was built before it was declared",
  },
  check(ctx) {
    const out: Finding[] = [];
    const told = new Set<string>();
    const tell = (key: string, f: () => Finding): void => {
      if (told.has(key)) return;
      told.add(key);
      out.push(f());
    };
    for (const b of ctx.builds ?? []) {
      const fix = { description: `rebuild with ${b.rebuild.command} (${b.rebuild.description})`, text: b.rebuild.command, ...(b.rebuild.loc ? { loc: b.rebuild.loc } : {}) };
      const names = { source: basename(b.source.file), object: basename(b.object.file) };
      for (const d of recordChanges(b)) {
        tell(`${d.loc.file}:${d.loc.line}:${d.name}`, () => finding(this, "record", { ...names, cType: d.name, change: d.change }, at("c", d.loc, d.symbol), fix));
      }
      for (const d of mapChanges(b)) {
        // Located by its declaration in the text: the reader's columns are of the expanded line.
        const loc = { file: d.map.loc?.file ?? b.source.file };
        const symbol = `map ${d.map.name}`;
        tell(`${loc.file}:${symbol}`, () =>
          d.change
            ? finding(this, "map", { ...names, map: d.map.name, change: d.change }, at("c", loc, symbol), fix)
            : finding(this, "newMap", { ...names, map: d.map.name }, at("c", loc, symbol), fix),
        );
      }
    }
    return out;
  },
};

interface RecordChange {
  name: string;
  symbol: string;
  loc: SourceLoc;
  change: string;
}

/** Records both define whose layouts differ, at the first changed member's line. */
function recordChanges(b: ObjectBuild): RecordChange[] {
  const src = b.source.graph;
  const obj = b.object.graph;
  const skip = new Set(b.unresolved);
  const out: RecordChange[] = [];
  for (let id = 1; id < src.count; id++) {
    const t = src.type(id);
    if ((t.kind !== "struct" && t.kind !== "union") || !t.name || !t.loc?.line || !isProjectFile(t.loc.file)) continue;
    const name = `${t.kind} ${t.name}`;
    if (skip.has(name) || skip.has(t.name) || opaque(src, id, 0)) continue;
    const other = obj.find(t.name).find((o) => obj.type(o).kind === t.kind);
    if (other === undefined) continue;
    const diff = difference(src, id, obj, other);
    if (!diff) continue;
    out.push({ name, symbol: diff.member ? `${name}.${diff.member.path}` : name, loc: diff.member?.loc?.line ? diff.member.loc : t.loc, change: diff.change });
  }
  return out;
}

/** The first difference between the source's layout (now) and the object's (when it was built). */
function difference(src: TypeGraph, a: TypeId, obj: TypeGraph, b: TypeId): { change: string; member?: Slot } | undefined {
  const now = slotsOf(src, a);
  const was = new Map(slotsOf(obj, b).map((s) => [s.path, s]));
  const sizeNow = sizeOf(src, a);
  const sizeWas = sizeOf(obj, b);
  const size = sizeNow !== sizeWas ? `it is ${sizeNow} bytes now, ${sizeWas} in the object` : "";
  for (const s of now) {
    const w = was.get(s.path);
    was.delete(s.path);
    let what: string | undefined;
    if (!w) what = `${s.path} (${s.size} bytes at offset ${s.offset}) is new`;
    else if (w.size !== s.size) what = `${s.path} is ${s.size} bytes now, ${w.size} in the object`;
    else if (w.offset !== s.offset) what = `${s.path} is at offset ${s.offset} now, ${w.offset} in the object`;
    if (what) return { change: size ? `${size}; ${what}` : what, member: s };
  }
  const gone = [...was.values()][0];
  if (gone) return { change: `${size ? `${size}; ` : ""}${gone.path} (at offset ${gone.offset} in the object) is gone` };
  return size ? { change: size } : undefined;
}

/** Maps the source declares that the object lacks or defines otherwise. */
function mapChanges(b: ObjectBuild): { map: MapDef; change?: string }[] {
  const out: { map: MapDef; change?: string }[] = [];
  const built = new Map(b.object.maps.map((m) => [m.name, m]));
  for (const m of b.source.maps) {
    if (m.loc?.file && !isProjectFile(m.loc.file)) continue;
    const o = built.get(m.name);
    if (!o) {
      out.push({ map: m });
      continue;
    }
    const changes: string[] = [];
    if (m.type !== o.type) changes.push(`its type is ${m.type} now, ${o.type} in the object`);
    if (m.keySize !== o.keySize) changes.push(`its key is ${m.keySize} bytes now, ${o.keySize} in the object`);
    if (m.valueSize !== o.valueSize) changes.push(`its value is ${m.valueSize} bytes now, ${o.valueSize} in the object`);
    if (m.maxEntries !== o.maxEntries) changes.push(`max_entries is ${m.maxEntries} now, ${o.maxEntries} in the object`);
    if (changes.length) out.push({ map: m, change: changes.join("; ") });
  }
  return out;
}

/** A file of the project, not a system header or a generated kernel header. */
function isProjectFile(file: string): boolean {
  return !file.startsWith("/usr/") && !/^vmlinux.*\.h$/.test(basename(file));
}

/** Whether a record holds (not through a pointer) a type the source only declares. */
function opaque(graph: TypeGraph, id: TypeId, depth: number): boolean {
  if (depth > MAX_CHAIN) return true;
  const t = graph.type(resolve(graph, id));
  if (t.kind === "fwd") return true;
  if (t.kind === "array") return opaque(graph, t.elem, depth + 1);
  if (t.kind === "struct" || t.kind === "union") return t.members.some((m) => opaque(graph, m.type, depth + 1));
  return false;
}
