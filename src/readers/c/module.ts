import type { BpfModule } from "../../ir/bindings.js";
import type { CSourceResult } from "./index.js";

// Apart from the reader, so that callers which load it lazily can name this
// without loading tree-sitter.

/** The BPF module a C translation unit gives. */
export function sourceModule(r: CSourceResult): BpfModule {
  return { file: r.file, graph: r.graph, maps: r.maps, origin: "source", records: r.records };
}
