import { describe, expect, it } from "vitest";
import { clangAvailable, clangFieldNames } from "../../oracles/clang.js";
import { expectLaidOutAsClang } from "./as-clang.js";

// C joins backslash-newlines before it removes comments, and a comment is
// one space of the line it starts on. So a macro's body goes on past a
// block comment inside it (libbpf's BPF_CORE_READ_BITFIELD has one, and a
// program including bpf_core_read.h saw the rest of that body as
// unparsable code at file scope), a directive goes on past a block
// comment's newlines, and a line comment ending in a backslash takes the
// next line with it. A backslash with spaces after it joins too (gcc and
// clang warn, and join). Each record is laid out as clang lays it out.

const SOURCE = `#define READ_FIELD(s, f) ({ \\
	unsigned long long v = 0; \\
	/* a barrier the compiler \\
	 * must not see through \\
	 */ \\
	v = (s)->f; \\
	v; \\
})

#define WIDTH 4 /* spans
                   two lines */ * 3
/* before the directive */ #define MORE 1 /* and
                                           after */ + 2

struct before { char a; int b; };

static inline unsigned long long get(struct before *p) { return READ_FIELD(p, b); }

struct after_macro { char tag; long value; char name[WIDTH]; };
// a line comment that goes on \\
struct hidden { char never; };
struct last { short s; struct after_macro m; char more[MORE]; };
#define TWICE(x) \\\u0020\u0020
	((x) + (x))
struct spaced { char a[TWICE(3)]; int b; };
// spaces part this backslash from the line's end, and it still joins \\\u0020
struct hidden_too { char never; };
`;

const RECORDS = ["struct before", "struct after_macro", "struct last", "struct spaced"];

describe("comments across joined lines", () => {
  it.skipIf(!clangAvailable)("are read as clang reads them (skipped without clang-16)", async () => {
    const r = await expectLaidOutAsClang(SOURCE, "splice.bpf.c", RECORDS);
    expect(r.problems).toEqual([]);
    // The record after the line comment is the comment's, to clang and to us.
    expect([...clangFieldNames(SOURCE, "bpfel").keys()].filter((k) => k.includes("hidden"))).toEqual([]);
    expect(r.graph.find("hidden")).toEqual([]);
    expect(r.graph.find("hidden_too")).toEqual([]);
  });
});
