import { readFileSync } from "node:fs";
import type { Parser } from "web-tree-sitter";
import { InputError } from "../../ir/errors.js";
import { type ListGraph, type TypeGraph } from "../../ir/graph.js";
import type { RecordEmit } from "../../ir/bindings.js";
import type { MapDef } from "../../ir/maps.js";
import type { Target } from "../../ir/targets.js";
import { readMaps } from "./maps.js";
import { cParser, hasBodyAfterParams } from "./parser.js";
import { functionBodies } from "./decl-index.js";
import type { HeaderCache } from "./header-cache.js";
import { readChunked } from "./header-parse.js";
import { preprocess, type Preprocessed, type SourceProblem } from "./preprocess.js";
import { withItems } from "./read-decls.js";
import { findRecordEmits, liftLocalRecords } from "./records.js";
import { resolveItems, type Resolved, type Unresolved } from "./resolve.js";

export { HeaderCache } from "./header-cache.js";
export type { SourceProblem } from "./preprocess.js";
export type { Unresolved } from "./resolve.js";

export interface CSourceOptions {
  target: Target;
  /** `-I` directories, searched after the including file's own directory. */
  includeDirs?: string[];
  /** `-D NAME=VALUE`; a value of "" defines the name as empty. */
  defines?: Record<string, string>;
  /** Kernel types the source names but does not define are read from here. */
  btf?: TypeGraph;
  /** Sources by path, read before the disk: tests, and C carried inside other files. */
  files?: Record<string, string>;
  /** Headers read before the file (clang's `-include`), taking none of its lines: the definitions a tool's C is compiled with. */
  prelude?: readonly string[];
  /** Give what was read even when it is nothing: a check of a tree meets header-only files. */
  partial?: boolean;
  /**
   * Big headers (vmlinux.h) read once for all the programs of one run, and
   * of each only the declarations the file reaches parsed; the caller owns it.
   */
  headers?: HeaderCache;
  /** Types to read from such headers though the file does not reach them: `task_struct`, `struct sock`. */
  uses?: string[];
  /** The records the file emits, when the caller found them already: its text is not parsed again for them. */
  records?: RecordEmit[];
}

export interface CSourceResult {
  file: string;
  /** Every type of the translation unit, laid out for the target. */
  graph: ListGraph;
  maps: MapDef[];
  /** Records the file's functions emit into ring and perf buffers. */
  records: RecordEmit[];
  /** Types whose layout the source cannot give, and why. */
  unresolved: Unresolved[];
  /** What could not be read; the rest still counts. */
  problems: SourceProblem[];
}

/** Reads a C file (`.c`, `.h`, `.bpf.c`) as a compiler for `target` would, into the IR. */
export async function readCSource(path: string, opts: CSourceOptions): Promise<CSourceResult> {
  // The parser's wasm compiles on another thread while this one preprocesses; a failure is seen where it is awaited.
  const parsing = cParser();
  parsing.catch(() => undefined);
  const files = opts.files ?? {};
  let text = files[path];
  if (text === undefined) {
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new InputError(path, `cannot read: ${(e as Error).message}`);
    }
  }
  const headers = opts.headers;
  // Structs a function defines for the records it emits are read like the file's own.
  const lifted = await liftLocalRecords(text);
  const read = lifted === text ? files : { ...files, [path]: lifted };
  const pre = preprocess(path, { target: opts.target, includeDirs: opts.includeDirs ?? [], defines: opts.defines ?? {}, files: read, ...(opts.prelude ? { prelude: opts.prelude } : {}), ...(headers ? { headers } : {}) });
  const parser = await parsing;
  let r: Resolved;
  if (headers && pre.chunks.length) r = readChunked(parser, pre, headers, path, opts.target, opts.btf, opts.uses ?? []);
  else r = readWhole(parser, pre, path, opts);
  const graph = r.builder.build(opts.target, path);
  const problems = [...pre.problems, ...r.problems];
  const maps = readMaps(graph, r, pre.bcc, problems);
  if (!opts.partial && graph.count <= 1 && maps.length === 0 && problems.length > 0) {
    const first = problems[0]!;
    throw new InputError(first.file, `nothing usable: ${first.message}`, { line: first.line });
  }
  return { file: path, graph, maps, records: opts.records ?? (await findRecordEmits(path, text)), unresolved: r.unresolved, problems };
}

function readWhole(parser: Parser, pre: Preprocessed, path: string, opts: CSourceOptions): Resolved {
  const bodies = hasBodyAfterParams(pre.text) ? functionBodies(pre.text) : [];
  return withItems(parser, pre.text, path, (items) => resolveItems(items, pre, opts.target, opts.btf), bodies);
}
