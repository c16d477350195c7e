import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { clangAvailable, tempSource } from "../../oracles/clang.js";
import { expectLaidOutAsClang } from "./as-clang.js";

// A declarator's last derivation is what its name is: `long *(*fp)(void)`
// is a variable, a pointer to a function, and `typeof(fp)` its type;
// `long *f(void)` a function, returning a pointer, which lays nothing out.

const SOURCE = `typedef unsigned long long u64;
long *(*fp)(void);
typeof(fp) fp2;
long *returns_pointer(void);
struct holder { char a[sizeof(fp2)]; u64 b; };
`;

describe("function declarators", () => {
  it.skipIf(!clangAvailable)("a function pointer is a variable whose type typeof gives, as clang reads it (skipped without clang-16)", async () => {
    const r = await expectLaidOutAsClang(SOURCE, "fp.bpf.c", ["struct holder"]);
    expect(r.problems).toEqual([]);
    expect(r.unresolved).toEqual([]);
  });

  it("a function's return type is not looked up, though the source does not define it", async () => {
    const r = await readCSource(tempSource("unknown_t *returns_pointer(void);\nunknown_t plain(void);\nstruct kept { int a; };\n", "fn.bpf.c"), { target: TARGETS.bpfel });
    expect(r.unresolved.map((u) => u.name)).toEqual([]);
    expect(r.graph.find("kept")).toHaveLength(1);
  });
});
