import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";

// An include cycle is one problem, named with its chain, and every file in
// it is read once; behind include guards it is nothing to report.

const DIR = join(import.meta.dirname, "../../../fixtures/c/include-cycle");

describe("include cycles", () => {
  it("without guards: one problem naming the cycle, each struct defined once", async () => {
    const r = await readCSource(join(DIR, "unguarded-a.h"), { target: TARGETS.x86_64 });
    expect(r.problems.map((p) => p.message)).toEqual(['#include "unguarded-a.h": include cycle unguarded-a.h -> unguarded-b.h -> unguarded-a.h; read once']);
    expect(["cycle_a", "cycle_b"].map((n) => r.graph.find(n).length)).toEqual([1, 1]);
  });

  it("behind include guards: no problem", async () => {
    const r = await readCSource(join(DIR, "guarded-a.h"), { target: TARGETS.x86_64 });
    expect(r.problems).toEqual([]);
    expect(["guarded_a", "guarded_b"].map((n) => r.graph.find(n).length)).toEqual([1, 1]);
  });
});
