import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { clangAvailable, clangRecordLayouts, tempSource } from "../../oracles/clang.js";

// An enum whose fixed type is a typedef's name (`enum mask : u32`, C23 and
// clang's extension before it), with a value in parentheses: the C grammar
// takes only a primitive type after the colon, and read such an enum as a
// function whose body was the list. Each record holding one is laid out as
// clang lays it out, and nothing is left unread.

const SOURCE = `typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

enum small : u8 { S0 = 1, S1 = (S0 | 2), };
enum mask : u32 {
	M_READ = 0x1,
	M_WRITE = 0x2,
	M_BOTH = (M_READ | M_WRITE),
};
enum wide : u64 { W0 = (1 + 1), };

struct holder { enum small s; enum wide w; enum mask m; char tail; };
`;

const RECORDS = ["struct holder"];

describe("an enum with a typedef's name for its fixed type", () => {
  it.skipIf(!clangAvailable)("is laid out as clang lays it out (skipped without clang-16)", async () => {
    const want = clangRecordLayouts(SOURCE, "bpfel", RECORDS);
    const r = await readCSource(tempSource(SOURCE, "fixed-enum.bpf.c"), { target: TARGETS.bpfel });
    expect(r.problems).toEqual([]);
    for (const name of RECORDS) {
      const [id] = r.graph.find(name.split(" ")[1]!);
      expect(id, name).toBeDefined();
      const t = r.graph.type(id!);
      expect(t.kind === "struct" ? t.size : -1, name).toBe(want.get(name)!.size);
      expect(t.kind === "struct" ? t.members.map((m) => m.bitOffset) : [], name).toEqual(want.get(name)!.offsets);
    }
  });
});
