import { describe, expect, it } from "vitest";
import { clangAvailable } from "../../oracles/clang.js";
import { expectLaidOutAsClang } from "./as-clang.js";

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
    const r = await expectLaidOutAsClang(SOURCE, "fixed-enum.bpf.c", RECORDS);
    expect(r.problems).toEqual([]);
  });
});
