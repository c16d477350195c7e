import type { BpfModule } from "../../ir/bindings.js";
import type { CSourceResult } from "./index.js";

// Apart from the reader, so that callers which load it lazily can name this
// without loading tree-sitter.

/** The BPF module a C translation unit gives. */
export function sourceModule(r: CSourceResult): BpfModule {
  return { file: r.file, graph: r.graph, maps: r.maps, origin: "source", records: r.records };
}

/**
 * The structs and unions of the file itself that could not be laid out, each
 * once with why: what a check could not compare, for its summary.
 */
export function unlaidRecords(r: CSourceResult): { name: string; why: string; line: number }[] {
  const seen = new Set<string>();
  const out: { name: string; why: string; line: number }[] = [];
  for (const u of r.unresolved) {
    if (u.loc.file !== r.file || !/^(struct|union) \S/.test(u.name) || seen.has(u.name)) continue;
    seen.add(u.name);
    out.push({ name: u.name, why: u.why, line: u.loc.line ?? 0 });
  }
  return out;
}
