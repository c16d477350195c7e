// Uses everything a reader returns, the way `layout`, `maps` and `gen ts`
// do, so that lazily decoded types are decoded: every type, every
// aggregate's layout, every C spelling, a generated module for every named
// aggregate. Any throw that is not an InputError is a bug.
import { generateTs } from "../../src/codegen/ts/index.js";
import { cTypeName } from "../../src/ir/c-names.js";
import { InputError } from "../../src/ir/errors.js";
import { isAggregate, resolve, sizeOf, type TypeGraph } from "../../src/ir/graph.js";
import { describeAggregate } from "../../src/ir/layout/aggregate.js";
import { parseBtf } from "../../src/readers/btf/index.js";
import { readBpfObjects } from "../../src/readers/object/index.js";

export function exerciseGraph(graph: TypeGraph): void {
  for (let id = 1; id < graph.count; id++) {
    const t = graph.type(id);
    resolve(graph, id);
    sizeOf(graph, id);
    cTypeName(graph, id);
    if (isAggregate(t)) {
      describeAggregate(graph, id);
      if (t.name) generateTs(graph, [t.name], { source: graph.file });
    }
    if ("name" in t && t.name) graph.find(t.name);
  }
}

export function exerciseBtf(bytes: Uint8Array, file: string): void {
  exerciseGraph(parseBtf(bytes, { file }));
}

export function exerciseObject(bytes: Uint8Array, file: string): void {
  for (const m of readBpfObjects(bytes, file)) {
    exerciseGraph(m.graph);
    for (const map of m.maps) {
      if (map.keyType !== undefined) cTypeName(m.graph, map.keyType);
      if (map.valueType !== undefined) cTypeName(m.graph, map.valueType);
    }
  }
}

export interface Outcome {
  ok: boolean;
  /** The case ended in an InputError rather than a result. */
  rejected?: boolean;
  /** For a wrong outcome: what was thrown instead of an InputError, or what the InputError lacks. */
  problem?: string;
  ms: number;
}

/** Runs one case: a result, or an InputError naming `file` on one line, is fine. */
export function runCase(fn: () => void, file: string): Outcome {
  const start = performance.now();
  try {
    fn();
    return { ok: true, ms: performance.now() - start };
  } catch (e) {
    const ms = performance.now() - start;
    if (!(e instanceof InputError)) {
      const stack = e instanceof Error ? (e.stack ?? e.message).split("\n").slice(0, 4).join(" / ") : String(e);
      return { ok: false, problem: `threw ${stack}`, ms };
    }
    if (e.file !== file) return { ok: false, problem: `InputError names ${e.file}, not ${file}: ${e.message}`, ms };
    if (e.message.includes("\n")) return { ok: false, problem: `InputError message spans lines: ${JSON.stringify(e.message)}`, ms };
    return { ok: true, rejected: true, ms };
  }
}
