import type { UserspaceModule, UserspaceReader } from "../../ir/bindings.js";
import { TARGETS } from "../../ir/targets.js";
import { buildTwinGraph } from "./twin-graph.js";

// TypeScript userspace: the types its decoders read out of BPF bytes
// (DataView and Buffer reads at constant offsets, binary-parser chains),
// and abidrift's own generated modules, whose header names the C type and
// the layout hash it was generated from. Parsed with ts-morph, never run.

// A file can only hold a twin when it reads bytes, chains a Parser or says
// it was generated; the rest of a TypeScript code base (most of it) is
// skipped before it is parsed, and the compiler is loaded for the first
// file that may decode. Looser than the reader on purpose.
const MAY_DECODE = /\.(get|read)(Big)?(U?[Ii]nt|Float|Double)\d*(LE|BE)?\s*\(|\bParser\b|\.toString\s*\([^)]*,|\bU?[Ii]nt8Array\s*\([^)]*,|\.subarray\s*\(|\bcString\s*\(|@abidrift-generated|\b(Big)?U?[Ii]nt(16|32|64)Array\b|\bFloat(32|64)Array\b|\bBPF_[A-Z_]+\s*\(/;

export const readTypeScript: UserspaceReader = async (file, text, opts) => {
  if (!MAY_DECODE.test(text)) return emptyModule(file);
  const { readParsed } = await import("./parsed.js");
  try {
    const { module, programs } = readParsed(file, text);
    if (programs.length === 0) return module;
    // BCC programs carried as strings (node's `bpfcc`) are read as Python's are.
    const { readEmbeddedC } = await import("../python/embedded-c.js");
    const embeddedBpf = await readEmbeddedC(file, programs.map((p) => ({ ...p, unresolved: [] })), opts.btf, module.problems);
    return embeddedBpf.length ? { ...module, embeddedBpf } : module;
  } catch (e) {
    // The compiler's parser, binder and ts-morph's wrappers recurse once per
    // level of nesting; ours are bounded. A file nested a few thousand deep
    // (generated, or garbage) runs them out of stack: a note, not a crash.
    if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) throw e;
    return emptyModule(file, [{ message: "nested too deeply for the TypeScript compiler to parse; not read", loc: { file, line: 1, column: 1 } }]);
  }
};

function emptyModule(file: string, problems: UserspaceModule["problems"] = []): UserspaceModule {
  const graph = buildTwinGraph([], TARGETS.x86_64, file).graph;
  return { file, language: "typescript", twins: [], maps: [], decodes: [], suppressions: [], problems, layout: () => graph };
}
