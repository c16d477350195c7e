import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { sizeOf } from "../../../src/ir/graph.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { clangAvailable, runClang, tempSource } from "../../oracles/clang.js";

// A prelude is read before the file as clang's `-include` reads it: its
// typedefs and macros count, and it takes none of the file's lines, so C
// that starts on line 1 (a BCC tool's src_file) keeps its own line numbers.
// clang, given the same header with -include, is the oracle of the layout.

const PRELUDE = "typedef unsigned int u32;\ntypedef unsigned long long u64;\n#define COMM_LEN 16\n";
const SOURCE = "struct ev { u64 ts; u32 pid; char comm[COMM_LEN]; };\nstruct bad { u32 x\n";

describe.skipIf(!clangAvailable)("a C prelude (needs clang-16)", () => {
  it("gives its definitions to the file and takes none of its lines", async () => {
    // The layout is dumped where a sizeof asks for it.
    const file = tempSource(`${SOURCE.split("\n")[0]!}\ntypedef char ev_size[sizeof(struct ev)];\n`, "ev.c");
    const header = join(dirname(file), "prelude.h");
    writeFileSync(header, PRELUDE);
    const size = Number(runClang(["-target", "bpfel", "-fsyntax-only", "-include", header, "-Xclang", "-fdump-record-layouts-simple", file]).match(/Type: struct ev\n\nLayout: <ASTRecordLayout\n\s+Size:(\d+)/)?.[1]) / 8;

    const r = await readCSource("/virtual/ev.c", { target: TARGETS.bpfel, files: { "/virtual/ev.c": SOURCE, "/virtual/prelude.h": PRELUDE }, prelude: ["/virtual/prelude.h"], partial: true });
    const id = r.graph.find("ev").find((i) => r.graph.type(i).kind === "struct")!;
    const ev = r.graph.type(id);
    if (ev.kind !== "struct") throw new Error("struct ev not read");
    expect(sizeOf(r.graph, id)).toBe(size);
    expect(ev.loc).toMatchObject({ file: "/virtual/ev.c", line: 1 });
    // What does not parse is blamed on its own line of the file, not one further down.
    expect(r.problems.filter((p) => p.syntax).map((p) => `${p.file}:${p.line}`)).toContain("/virtual/ev.c:2");
  });
});
