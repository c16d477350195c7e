import { InputError, type InputPosition } from "../ir/errors.js";
import { ListGraph } from "../ir/graph.js";
import type { Target } from "../ir/targets.js";
import type { Type } from "../ir/types.js";
import type { CSourceResult } from "../readers/c/index.js";
import type { PortableGoModule } from "../readers/go/layout-spec.js";
import type { CReadRequest, CScan } from "./reads.js";

// The messages between a check and its reading threads. Structured clone
// carries plain data only: a graph crosses as its list of types, an input
// error as its parts, and each is made whole again on the check's side.

export type JobBody =
  | { kind: "scan"; file: string; text: string }
  | { kind: "read"; file: string; request: CReadRequest }
  | { kind: "go"; file: string; text: string; afterOtherDir: boolean }
  /** The check's Go tree, sent once before a thread's first Go job. */
  | { kind: "go-tree"; files: [string, string][] };
export type Job = JobBody & { id: number };

export interface ReadWire {
  file: string;
  types: readonly Type[];
  maps: CSourceResult["maps"];
  records: CSourceResult["records"];
  unresolved: CSourceResult["unresolved"];
  problems: CSourceResult["problems"];
}

/** An error as it crosses: a bad input stays one, anything else is our bug and keeps its stack. */
export type ErrorWire = { input: { file: string; detail: string; at: InputPosition } } | { bug: { message: string; stack?: string } };

export type Answer = { id: number; scan: CScan } | { id: number; read: ReadWire } | { id: number; go: PortableGoModule } | { id: number; done: true } | { id: number; error: ErrorWire };

export function readToWire(r: CSourceResult): ReadWire {
  const types: Type[] = [];
  for (let id = 0; id < r.graph.count; id++) types.push(r.graph.type(id));
  return { file: r.file, types, maps: r.maps, records: r.records, unresolved: r.unresolved, problems: r.problems };
}

/** The read as the reader gave it, its graph for the target the check asked for. */
export function readFromWire(w: ReadWire, target: Target): CSourceResult {
  return { file: w.file, graph: new ListGraph(target, w.file, w.types), maps: w.maps, records: w.records, unresolved: w.unresolved, problems: w.problems };
}

export function errorToWire(e: unknown): ErrorWire {
  if (e instanceof InputError) return { input: { file: e.file, detail: e.detail, at: e.at } };
  const err = e instanceof Error ? e : new Error(String(e));
  return { bug: { message: err.message, ...(err.stack ? { stack: err.stack } : {}) } };
}

export function errorFromWire(w: ErrorWire): Error {
  if ("input" in w) return new InputError(w.input.file, w.input.detail, w.input.at);
  const e = new Error(`reading thread: ${w.bug.message}`);
  if (w.bug.stack) e.stack = `${e.message}\n    at the reading thread:\n${w.bug.stack}`;
  return e;
}
