import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";

// Found by `npm run fuzz` (C, seed 77, case 7553): a map of maps whose
// `__array(values, ...)` names its own definition sent the map reader round
// the cycle until the stack ran out. It is one problem now.

describe("a map of maps naming itself as its inner map", () => {
  it("is read once, with one problem, not a stack overflow", async () => {
    const r = await readCSource(join(import.meta.dirname, "../../../fixtures/c/maps/self-nested-map.bpf.c"), { target: TARGETS.bpfel });
    expect(r.maps.map((m) => [m.name, m.type, m.maxEntries])).toEqual([["outer_map", "array_of_maps", 4]]);
    expect(r.problems.map((p) => p.message)).toEqual(["map outer_map: its inner map's definition is the map itself"]);
  });
});
