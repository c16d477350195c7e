import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { indexDeclarations } from "../../../src/readers/c/decl-index.js";
import { HeaderCache, readCSource, type CSourceResult } from "../../../src/readers/c/index.js";
import { layoutJsonTypes } from "../../../src/report/layout/json.js";
import { HAVE_BPFTOOL, bpftoolDumpC } from "../../oracles/bpftool.js";
import { clangAvailable, clangRecordLayouts } from "../../oracles/clang.js";
import { expectPartOf, namedTypes, readsFrom } from "./read-part.js";

// A program that includes a big header reads, through the run's header
// cache, only the declarations it reaches; each type it does read must be
// exactly what reading the whole header gives (members, offsets, sizes,
// source locations), and so must its maps. A program that names everything
// the header declares reaches all of it, and must get the whole header's
// graph itself, type for type and id for id.

const REACH = join(import.meta.dirname, "../../../fixtures/c/reach");
const SHARED = join(import.meta.dirname, "../../../fixtures/c/shared-header");
const VMLINUX = "/sys/kernel/btf/vmlinux";

/** Everything a read gives, type ids included. */
function contents(r: CSourceResult): unknown {
  const types = [];
  for (let id = 0; id < r.graph.count; id++) types.push(r.graph.type(id));
  return { types, maps: r.maps, records: r.records, unresolved: r.unresolved, problems: r.problems };
}

/** A program that includes `header` and names, in a function, every name the header declares. */
function namingEverything(dir: string, header: string): string {
  const keys = [...indexDeclarations(readFileSync(join(dir, header), "utf8")).definers.keys()];
  const names = keys.map((k) => (k.startsWith("#") ? `struct ${k.slice(1)}` : k));
  const path = join(mkdtempSync(join(tmpdir(), "abidrift-reach-")), "all.bpf.c");
  writeFileSync(path, `#include "${join(dir, header)}"\nstatic void everything(void) { ${names.join("; ")}; }\n`);
  return path;
}

/** The texts read (parsed, or taken by the plain reader) while `f` runs. */
async function readDuring(f: () => Promise<unknown>): Promise<string[]> {
  const reads = readsFrom();
  await f();
  const texts = reads.texts();
  reads.stop();
  return texts;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a program reads of a big header what it reaches", () => {
  const prog = join(REACH, "prog.bpf.c");

  it("gives every type it reaches as the whole header does: enum constants in array sizes, #pragma pack, anonymous unions, function pointers, a map in the header", async () => {
    const whole = await readCSource(prog, { target: TARGETS.bpfel });
    let part: CSourceResult | undefined;
    const read = await readDuring(async () => (part = await readCSource(prog, { target: TARGETS.bpfel, headers: new HeaderCache({ minSize: 0, partialFrom: 0 }) })));
    expectPartOf(part!, whole);
    const types = namedTypes(part!.graph);
    for (const name of ["struct wire_hdr", "struct sized", "struct after_pack", "struct task_struct", "struct sched_info", "typedef atomic_t"]) expect(types.has(name), name).toBe(true);
    // The header's own map is read though the program never names it.
    expect(part!.maps.map((m) => m.name)).toEqual(["header_map", "events", "snapshots"]);
    // What nothing leads to is never read; what only a pointer leads to stays declared.
    for (const name of ["struct never_reached", "struct pointed_only {"]) expect(read.some((t) => t.includes(name)), name).toBe(false);
    expect(whole.graph.find("never_reached")).toHaveLength(1);
    expect(part!.graph.find("never_reached")).toHaveLength(0);
    expect(types.has("fwd pointed_only")).toBe(true);
    expect(namedTypes(whole.graph).has("struct pointed_only")).toBe(true);
  });

  it("reads the types asked for by name though the program only points to them", async () => {
    const whole = await readCSource(prog, { target: TARGETS.bpfel });
    const part = await readCSource(prog, { target: TARGETS.bpfel, headers: new HeaderCache({ minSize: 0, partialFrom: 0 }), uses: ["pointed_only", "struct never_reached"] });
    expectPartOf(part, whole);
    const types = namedTypes(part.graph);
    for (const name of ["struct pointed_only", "struct never_reached"]) expect(types.has(name), name).toBe(true);
  });

  it.skipIf(!clangAvailable)("lays out what it reaches as clang does (skipped without clang-16)", async () => {
    const part = await readCSource(prog, { target: TARGETS.bpfel, headers: new HeaderCache({ minSize: 0, partialFrom: 0 }) });
    const source = `${readFileSync(join(REACH, "kernel.h"), "utf8")}\n${readFileSync(prog, "utf8").replace(/#include.*\n/, "")}`;
    const names = [...namedTypes(part.graph).keys()].filter((k) => /^(struct|union) /.test(k));
    const clang = clangRecordLayouts(source, "bpfel", names);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const [id] = part.graph.find(name.split(" ")[1]!);
      const l = layoutJsonTypes(part.graph, [id!])[0]!;
      expect({ name, size: l.size, align: l.align }).toEqual({ name, size: clang.get(name)!.size, align: clang.get(name)!.align });
    }
  });

  it("reads each declaration once for the programs of a run", async () => {
    const headers = new HeaderCache({ minSize: 0, partialFrom: 0 });
    const read = await readDuring(async () => {
      for (let i = 0; i < 3; i++) await readCSource(prog, { target: TARGETS.bpfel, headers });
    });
    expect(read.filter((t) => t.includes("struct wire_hdr {"))).toHaveLength(1);
  });

  for (const [dir, header] of [
    [REACH, "kernel.h"],
    [SHARED, "kernel.h"],
  ] as const) {
    it(`given every name ${header} of ${dir.split("/").pop()} declares, reads it whole, id for id`, async () => {
      const path = namingEverything(dir, header);
      const whole = await readCSource(path, { target: TARGETS.bpfel });
      const part = await readCSource(path, { target: TARGETS.bpfel, headers: new HeaderCache({ minSize: 0, partialFrom: 0 }) });
      expect(contents(part)).toEqual(contents(whole));
    });
  }
});

describe.skipIf(!HAVE_BPFTOOL || !existsSync(VMLINUX))("this kernel's vmlinux.h, read in part", () => {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-vmlinux-reach-"));
  if (HAVE_BPFTOOL && existsSync(VMLINUX)) writeFileSync(join(dir, "vmlinux.h"), bpftoolDumpC(VMLINUX));

  it("given every name it declares, reads it whole, id for id", { timeout: 600_000 }, async () => {
    const path = namingEverything(dir, "vmlinux.h");
    const whole = await readCSource(path, { target: TARGETS.bpfel });
    const part = await readCSource(path, { target: TARGETS.bpfel, headers: new HeaderCache() });
    expect(contents(part)).toEqual(contents(whole));
  });

  it("gives a program using ten kernel types those types as the whole header does, reading a small part of it", { timeout: 600_000 }, async () => {
    const path = join(dir, "ten.bpf.c");
    writeFileSync(
      path,
      `#include "vmlinux.h"
struct event { u64 ts; u32 pid; char comm[TASK_COMM_LEN_MAX]; struct task_struct *task; struct sock_common sk; struct in6_addr a6; struct sockaddr_in sin; struct iphdr ip; struct tcphdr tcp; struct ethhdr eth; struct bpf_sock_tuple tup; struct path p; enum bpf_map_type t; };
struct { int (*type)[BPF_MAP_TYPE_HASH]; int (*max_entries)[1024]; u32 *key; struct event *value; } events __attribute__((section(".maps")));
`.replace("TASK_COMM_LEN_MAX", "16"),
    );
    const whole = await readCSource(path, { target: TARGETS.bpfel });
    let part: CSourceResult | undefined;
    const read = await readDuring(async () => (part = await readCSource(path, { target: TARGETS.bpfel, headers: new HeaderCache() })));
    expectPartOf(part!, whole);
    const size = readFileSync(join(dir, "vmlinux.h"), "utf8").length;
    expect(read.reduce((n, t) => n + t.length, 0)).toBeLessThan(size / 10);
    expect(part!.graph.count).toBeLessThan(whole.graph.count / 10);
  });
});
