import { describe, expect, it } from "vitest";
import { clangAvailable } from "../../oracles/clang.js";
import { expectLaidOutAsClang } from "./as-clang.js";

// An enum whose fixed type is a typedef's name (`enum mask : u32`, C23 and
// clang's extension before it): the C grammar takes only a primitive type
// after the colon. It read such an enum as a function whose body was the
// list where a value is in parentheses, lost all that followed where the
// list starts on the next line, and took the type for the name of an
// anonymous one. Each record holding one is laid out as
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
enum next_line : u8
{
	L0 = 1, L1 = (L0 | 2),
};
typedef enum : u64 { A0 = 1 } anon_t;

struct holder { enum small s; enum wide w; enum mask m; char tail; };
struct more { enum next_line n; char c; anon_t a; };
`;

const RECORDS = ["struct holder", "struct more"];

describe("an enum with a typedef's name for its fixed type", () => {
  it.skipIf(!clangAvailable)("is laid out as clang lays it out (skipped without clang-16)", async () => {
    const r = await expectLaidOutAsClang(SOURCE, "fixed-enum.bpf.c", RECORDS);
    expect(r.problems).toEqual([]);
  });
});
