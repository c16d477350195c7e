import { Parser } from "web-tree-sitter";
import { expect, vi } from "vitest";
import type { TypeGraph } from "../../../src/ir/graph.js";
import type { CSourceResult } from "../../../src/readers/c/index.js";
import { PlainReader } from "../../../src/readers/c/plain-decls.js";
import { layoutJsonTypes } from "../../../src/report/layout/json.js";
import { mapJson } from "../../../src/report/maps.js";

// A program read through a run's header cache reads of a big header only
// what it reaches: each type it reads must be the whole read's.

/** Every named type as plain data without type ids: aggregates as laid out, enums with their values, typedefs by what they name. */
export function namedTypes(graph: TypeGraph): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let id = 1; id < graph.count; id++) {
    const t = graph.type(id);
    if (!("name" in t) || !t.name || t.kind === "int" || t.kind === "float") continue;
    const key = `${t.kind} ${t.name}`;
    if (out.has(key)) continue;
    if (t.kind === "struct" || t.kind === "union") out.set(key, layoutJsonTypes(graph, [id])[0]);
    else if (t.kind === "typedef") out.set(key, { loc: t.loc, target: graph.type(t.target).kind });
    else out.set(key, t);
  }
  return out;
}

/** Checks that each type `part` read is the whole read's, and that both give the same maps, records, problems. */
export function expectPartOf(part: CSourceResult, whole: CSourceResult): void {
  const all = namedTypes(whole.graph);
  const mine = namedTypes(part.graph);
  expect(mine.size).toBeGreaterThan(0);
  for (const [key, value] of mine) {
    // A record the part only points to it declares, not defines.
    if (key.startsWith("fwd ")) continue;
    expect(value, key).toEqual(all.get(key));
  }
  expect(part.maps.map((m) => mapJson(part.graph, m))).toEqual(whole.maps.map((m) => mapJson(whole.graph, m)));
  expect(part.records).toEqual(whole.records);
  expect(part.problems).toEqual(whole.problems);
  expect(part.unresolved).toEqual(whole.unresolved);
}

/**
 * The texts read from here on: each given to the C parser, and each
 * declaration the plain reader took (a declaration it declines goes on to
 * the parser). `stop` ends the count.
 */
export function readsFrom(): { texts: () => string[]; stop: () => void } {
  const parse = vi.spyOn(Parser.prototype, "parse");
  const plain = vi.spyOn(PlainReader.prototype, "declaration");
  return {
    texts: () => [
      ...parse.mock.calls.map(([text]) => (typeof text === "string" ? text : "")),
      ...plain.mock.calls.flatMap(([at], i) => {
        const read = plain.mock.results[i]!.value as { end: number } | undefined;
        return read ? [(plain.mock.contexts[i] as PlainReader).text.slice(at, read.end)] : [];
      }),
    ],
    stop: () => {
      parse.mockRestore();
      plain.mockRestore();
    },
  };
}
