import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";

// BCC's defaults are checked against the installed helpers.h, expanded by
// cpp, in bcc-vocabulary.test.ts; here, that uses are found where written.

describe("BCC map macros read from source", () => {
  it("find every use, multi-line ones included, with the source's key types", async () => {
    const src = `struct key_t { u32 pid; char comm[16]; };
BPF_HASH(start, u32);
BPF_HASH(counts, struct key_t, u64, 512);
BPF_ARRAY(arr, struct key_t, 8);
BPF_HISTOGRAM(dist);
BPF_HISTOGRAM(dist2, struct key_t, 32);
BPF_PERF_OUTPUT(events);
BPF_RINGBUF_OUTPUT(rb, 8);
BPF_STACK_TRACE(stacks, 1000);
BPF_F_TABLE("lru_hash", u32,
   u64, fh, 64, 1);
`;
    const r = await readCSource("/virtual/bcc.c", { target: TARGETS.bpfel, files: { "/virtual/bcc.c": src } });
    expect(r.problems).toEqual([]);
    // Sizes and defaults are checked against helpers.h above; here, that every use is found where it is written.
    const uses = [...src.matchAll(/(BPF_\w+)\(([^;]*)\);/g)].map((m) => {
      const args = m[2]!.split(",").map((x) => x.trim());
      return [/TABLE$/.test(m[1]!) ? args[3] : args[0], src.slice(0, m.index).split("\n").length];
    });
    expect(r.maps.map((m) => [m.name, m.loc?.line])).toEqual(uses);
    expect(r.maps.find((m) => m.name === "fh")).toMatchObject({ type: "lru_hash", flags: 1, maxEntries: 64 });
    const counts = r.maps.find((m) => m.name === "counts")!;
    expect(r.graph.type(counts.keyType!)).toMatchObject({ kind: "struct", name: "key_t" });
  });

  it("takes names Object's prototype has (valueOf, toString, constructor) for plain C, not map macros", async () => {
    const src = "int valueOf(int x);\nstruct s { int toString; int constructor; };\nBPF_HASH(m, u32);\n";
    const r = await readCSource("/virtual/proto.c", { target: TARGETS.bpfel, files: { "/virtual/proto.c": src } });
    expect(r.maps.map((m) => m.name)).toEqual(["m"]);
    const s = r.graph.find("s").map((id) => r.graph.type(id));
    expect(s).toMatchObject([{ kind: "struct", size: 8, members: [{ name: "toString" }, { name: "constructor" }] }]);
  });
});
