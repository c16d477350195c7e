import { expect } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource, type CSourceResult } from "../../../src/readers/c/index.js";
import { clangRecordLayouts, tempSource } from "../../oracles/clang.js";

/**
 * Reads C `source` for bpfel and holds each of `records` (`struct x`) to
 * clang's layout of it: clang lays out every one, and ours has the same
 * size and member offsets. The read is returned for what else a test asks.
 */
export async function expectLaidOutAsClang(source: string, file: string, records: readonly string[]): Promise<CSourceResult> {
  const want = clangRecordLayouts(source, "bpfel", records);
  expect([...want.keys()].sort()).toEqual([...records].sort());
  const r = await readCSource(tempSource(source, file), { target: TARGETS.bpfel });
  for (const name of records) {
    const [id] = r.graph.find(name.split(" ")[1]!);
    expect(id, name).toBeDefined();
    const t = r.graph.type(id!);
    expect(t.kind === "struct" ? t.size : -1, name).toBe(want.get(name)!.size);
    expect(t.kind === "struct" ? t.members.map((m) => m.bitOffset) : [], name).toEqual(want.get(name)!.offsets);
  }
  return r;
}
