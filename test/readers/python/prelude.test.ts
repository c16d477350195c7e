import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sizeOf } from "../../../src/ir/graph.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { PRELUDE } from "../../../src/readers/python/embedded-c.js";

// The records BCC's helpers.h gives every program, as the BCC prelude
// declares them, must be laid out as clang lays out helpers.h's own
// definition over <linux/bpf.h>: the definition is read out of the
// installed libbcc, and clang asserts each size and offset.

const LIBBCC = ["/usr/lib/x86_64-linux-gnu/libbcc.so.0", "/usr/lib/aarch64-linux-gnu/libbcc.so.0"].find((p) => existsSync(p));
const MULTIARCH = spawnSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";
const HAVE_CLANG = spawnSync("clang-16", ["--version"]).status === 0;

describe.skipIf(!LIBBCC || !HAVE_CLANG)("the BCC prelude's build-id stack record", () => {
  it("has helpers.h's size and offsets, by clang", async () => {
    const helpers = spawnSync("strings", ["-n", "3", LIBBCC!], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
    const depth = /^#define BPF_MAX_STACK_DEPTH (\d+)$/m.exec(helpers)![0];
    // `strings` drops the 2-character closing line.
    const record = `${/^struct bpf_stacktrace_buildid \{\n.*$/m.exec(helpers)![0]}\n};`;
    const ours = await readCSource("/virtual/prelude.h", { target: TARGETS.bpfel, files: { "/virtual/prelude.h": PRELUDE } });
    const g = ours.graph;
    const asserts: string[] = [];
    for (const name of ["bpf_stack_build_id", "bpf_stacktrace_buildid"]) {
      const id = g.find(name).find((i) => g.type(i).kind === "struct")!;
      const t = g.type(id);
      if (t.kind !== "struct") throw new Error(`${name} is not a struct in the prelude`);
      asserts.push(`_Static_assert(sizeof(struct ${name}) == ${sizeOf(g, id)}, "${name} size");`);
      for (const m of t.members) if (m.name) asserts.push(`_Static_assert(__builtin_offsetof(struct ${name}, ${m.name}) == ${m.bitOffset / 8}, "${name}.${m.name}");`);
    }
    const src = `#include <linux/bpf.h>\n${depth}\n${record}\n${asserts.join("\n")}\n`;
    const r = spawnSync("clang-16", ["-target", "bpfel", "-fsyntax-only", `-I/usr/include/${MULTIARCH}`, "-x", "c", "-"], { input: src, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(asserts.length).toBeGreaterThan(4);
  });
});
