import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { HeaderCache, readCSource } from "../../../src/readers/c/index.js";
import { HAVE_BPFTOOL, bpftoolDumpC } from "../../oracles/bpftool.js";
import { expectPartOf, readsFrom } from "./read-part.js";

// Programs that include the same big header read it once per run through a
// HeaderCache, and read of it what they reach, each declaration once per
// run: every type each reads must come out exactly as in the program read
// alone (size, members, offsets and source location), and so must every
// map, every problem and unresolved name.

const DIR = join(import.meta.dirname, "../../../fixtures/c/shared-header");
const PROGRAMS = ["events.bpf.c", "stats.bpf.c", "extra.bpf.c", "wrapped.bpf.c", "events.bpf.c"].map((f) => join(DIR, f));

/** How many times a text holding `marker` was read (parsed, or taken by the plain reader). */
function countReads(marker: string): { count: () => number } {
  const reads = readsFrom();
  return { count: () => reads.texts().filter((text) => text.includes(marker)).length };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a header shared by the programs of a run", () => {
  it("gives each program what reading it alone gives", async () => {
    // Size 0: the small fixture header is cached as vmlinux.h would be.
    const headers = new HeaderCache({ minSize: 0 });
    for (const path of PROGRAMS) {
      const alone = await readCSource(path, { target: TARGETS.bpfel });
      const shared = await readCSource(path, { target: TARGETS.bpfel, headers });
      expectPartOf(shared, alone);
    }
    const events = await readCSource(PROGRAMS[0]!, { target: TARGETS.bpfel, headers });
    // The map's type is an enumerator of the cached header.
    expect(events.maps.map((m) => [m.name, m.type])).toEqual([["events", "hash"]]);
    // The define before the header in extra.bpf.c is a state of its own: its struct is there, and only there.
    const extra = await readCSource(PROGRAMS[2]!, { target: TARGETS.bpfel, headers });
    expect(extra.graph.find("extra")).toHaveLength(1);
    expect(events.graph.find("extra")).toHaveLength(0);
  });

  it("reads what the programs reach of the header once, for those that include it under the same macros", async () => {
    // Both programs name map types, enumerators of this enum.
    const marker = "enum bpf_map_type {";
    const alone = countReads(marker);
    for (const path of PROGRAMS.slice(0, 2)) await readCSource(path, { target: TARGETS.bpfel });
    expect(alone.count()).toBe(2);
    vi.restoreAllMocks();

    const shared = countReads(marker);
    const headers = new HeaderCache({ minSize: 0 });
    for (const path of PROGRAMS.slice(0, 2)) await readCSource(path, { target: TARGETS.bpfel, headers });
    expect(shared.count()).toBe(1);
    // Another macro state is another read.
    await readCSource(PROGRAMS[2]!, { target: TARGETS.bpfel, headers });
    expect(shared.count()).toBe(2);
  });

  it("is read once after braces in character and string literals, which open no block", async () => {
    // A program's code before the header: `'{'` and "{{" left the brace depth above file scope, and the header was read again in place.
    const dir = mkdtempSync(join(tmpdir(), "abidrift-brace-literal-"));
    writeFileSync(join(dir, "shared.h"), "struct shared_rec { int a; long b; };\n");
    const reads = countReads("struct shared_rec {");
    const headers = new HeaderCache({ minSize: 0 });
    for (const name of ["one", "two"]) {
      const path = join(dir, `${name}.bpf.c`);
      writeFileSync(path, `static int ${name}(const char *buf) { return buf[0] != '{' && buf[1] != '"' && buf[2] == '}'; }\nstatic const char *${name}_s = "{{";\n#include "shared.h"\nstruct ${name}_own { struct shared_rec r; };\n`);
      const r = await readCSource(path, { target: TARGETS.bpfel, headers });
      expect(r.problems).toEqual([]);
      expect(r.graph.find(`${name}_own`)).toHaveLength(1);
    }
    expect(reads.count()).toBe(1);
  });

  it("keeps only the most recently used reads, and reads again what it forgot", async () => {
    const marker = "enum bpf_map_type {";
    const reads = countReads(marker);
    // One read at a time: the define of extra.bpf.c's state pushes out the plain state's read.
    const headers = new HeaderCache({ minSize: 0, partialFrom: 0, capacity: 1 });
    await readCSource(PROGRAMS[0]!, { target: TARGETS.bpfel, headers });
    await readCSource(PROGRAMS[2]!, { target: TARGETS.bpfel, headers });
    expect([headers.reads.size, headers.decls.size]).toEqual([1, 1]);
    await readCSource(PROGRAMS[1]!, { target: TARGETS.bpfel, headers });
    expect(reads.count()).toBe(3);
    // What it reads again is what it read the first time.
    expectPartOf(await readCSource(PROGRAMS[0]!, { target: TARGETS.bpfel, headers }), await readCSource(PROGRAMS[0]!, { target: TARGETS.bpfel }));
  });

  it("lays out every declaration of a small header and only the reached ones of a big one, though one read holds both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-header-partial-"));
    const filler = Array.from({ length: 80 }, (_, i) => `struct filler_${i} { int a; long b; };`).join("\n");
    writeFileSync(join(dir, "big.h"), `struct big_used { int x; };\nstruct big_unused { int y; };\n${filler}\n`);
    writeFileSync(join(dir, "small.h"), '#include "big.h"\nstruct small_unused { char c[3]; };\n');
    writeFileSync(join(dir, "prog.bpf.c"), '#include "small.h"\nstruct big_used v;\n');
    const headers = new HeaderCache({ minSize: 0, partialFrom: 1024 });
    for (let run = 0; run < 2; run++) {
      const r = await readCSource(join(dir, "prog.bpf.c"), { target: TARGETS.bpfel, headers });
      expect(headers.reads.size).toBe(1);
      expect(r.graph.find("small_unused")).toHaveLength(1);
      expect(r.graph.find("big_used")).toHaveLength(1);
      expect(r.graph.find("big_unused")).toHaveLength(0);
    }
  });

  it("reads a legacy map defined in a shared header as the program alone does, wherever the header falls in the program", async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-header-map-"));
    writeFileSync(
      join(dir, "maps.h"),
      [
        "struct bpf_map_def { unsigned int type; unsigned int key_size; unsigned int value_size; unsigned int max_entries; };",
        "static long (*helper)(void *map) = (void *) 1;",
        'struct bpf_map_def __attribute__((section("maps"), used)) hdr_counts = { .type = 1, .key_size = sizeof(int), .value_size = sizeof(long), .max_entries = NOT_DEFINED_ANYWHERE };',
        'struct bpf_map_def __attribute__((section("maps"), used)) hdr_sizes = { .type = 2, .key_size = 4, .value_size = 8, .max_entries = 64 };',
        "",
      ].join("\n"),
    );
    // Programs with more or less of their own text before the header: its offset in each differs.
    const programs = ["", "struct before { int a; };\n", "struct before { int a; };\nstruct more { long b; char c[2]; };\n\n"].map((pre, i) => {
      const path = join(dir, `prog${i}.bpf.c`);
      writeFileSync(path, `${pre}#include "maps.h"\nint use(void) { return helper(&hdr_counts) + helper(&hdr_sizes); }\n`);
      return path;
    });
    const headers = new HeaderCache({ minSize: 0, partialFrom: 0 });
    for (const path of [...programs, ...[...programs].reverse()]) {
      const alone = await readCSource(path, { target: TARGETS.bpfel });
      expect(alone.problems.some((p) => p.file.endsWith("maps.h"))).toBe(true);
      expectPartOf(await readCSource(path, { target: TARGETS.bpfel, headers }), alone);
    }
  });

  it("reads each header from disk once per run: the next run reads it again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-header-text-"));
    const header = (size: string) => `struct rec { char b[${size}]; };\n`.padEnd(4096, " ") + "\n";
    writeFileSync(join(dir, "big.h"), header("16"));
    writeFileSync(join(dir, "prog.bpf.c"), '#include "big.h"\nstruct rec r;\n');
    const size = async (headers: HeaderCache) => {
      const r = await readCSource(join(dir, "prog.bpf.c"), { target: TARGETS.bpfel, headers });
      const [id] = r.graph.find("rec");
      return (r.graph.type(id!) as { size: number }).size;
    };
    const run = new HeaderCache({ minSize: 1024 });
    expect(await size(run)).toBe(16);
    // Same length, other text: within the run the header is what it was when first read.
    writeFileSync(join(dir, "big.h"), header("32"));
    expect(await size(run)).toBe(16);
    expect(run.reads.size).toBe(1);
    expect(await size(new HeaderCache({ minSize: 1024 }))).toBe(32);
  });
});

const VMLINUX = "/sys/kernel/btf/vmlinux";

describe.skipIf(!HAVE_BPFTOOL || !existsSync(VMLINUX))("this kernel's vmlinux.h shared by two programs", () => {
  it("is read in part, once, and changes nothing the programs read", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-vmlinux-shared-"));
    writeFileSync(join(dir, "vmlinux.h"), bpftoolDumpC(VMLINUX));
    const programs = [
      ["first.bpf.c", "#include \"vmlinux.h\"\nstruct event { struct task_struct *task; u32 pid; char comm[16]; };\nstruct { int (*type)[BPF_MAP_TYPE_HASH]; int (*max_entries)[16]; u32 *key; struct event *value; } first __attribute__((section(\".maps\")));\n"],
      ["second.bpf.c", "// moved down a line\n#include \"vmlinux.h\"\nstruct sample { struct sock_common sk; u64 at; };\nstruct { int (*type)[BPF_MAP_TYPE_ARRAY]; int (*max_entries)[1]; u32 *key; struct sample *value; } second __attribute__((section(\".maps\")));\n"],
    ].map(([name, text]) => {
      writeFileSync(join(dir, name!), text!);
      return join(dir, name!);
    });
    // Both programs name map types, enumerators of this enum.
    const marker = "enum bpf_map_type {";
    const headers = new HeaderCache();
    const reads = countReads(marker);
    const shared = [];
    for (const p of programs) shared.push(await readCSource(p, { target: TARGETS.bpfel, partial: true, headers }));
    expect(reads.count()).toBe(1);
    for (const [i, p] of programs.entries()) expectPartOf(shared[i]!, await readCSource(p, { target: TARGETS.bpfel, partial: true }));
  });
});

describe("a header read under other include directories", () => {
  // The programs of a tree each search their own folder first; a big header
  // read for one is read again for another only where one of its includes
  // finds another file there.
  function tree(): { common: string; plain: string; other: string; shadowing: string } {
    const root = mkdtempSync(join(tmpdir(), "abidrift-include-dirs-"));
    const dir = (name: string): string => {
      const d = join(root, name);
      mkdirSync(d);
      return d;
    };
    const common = dir("include");
    writeFileSync(join(common, "big.h"), `#include "inner.h"\n#include <shadow.h>\nstruct big { struct inner i; struct shadow s; };\n`);
    writeFileSync(join(common, "inner.h"), "struct inner { unsigned int a; };\n");
    writeFileSync(join(common, "shadow.h"), "struct shadow { unsigned char b; };\n");
    const prog = (name: string): string => {
      const d = dir(name);
      writeFileSync(join(d, "prog.bpf.c"), `#include <big.h>\nstruct event { struct big b; unsigned long long ts; };\n`);
      return d;
    };
    const plain = prog("plain");
    const other = prog("other");
    const shadowing = prog("shadowing");
    writeFileSync(join(shadowing, "shadow.h"), "struct shadow { unsigned long long wide; };\n");
    return { common, plain, other, shadowing };
  }

  it("is reused where every include resolves as it did, and read again where one does not", async () => {
    const t = tree();
    const headers = new HeaderCache({ minSize: 0 });
    const read = (d: string, cache?: HeaderCache) => readCSource(join(d, "prog.bpf.c"), { target: TARGETS.bpfel, includeDirs: [d, t.common], ...(cache ? { headers: cache } : {}) });
    const size = (r: Awaited<ReturnType<typeof read>>): number => {
      const [id] = r.graph.find("event");
      return r.graph.type(id!).kind === "struct" ? (r.graph.type(id!) as { size: number }).size : -1;
    };
    await read(t.plain, headers);
    const first = [...headers.reads.values()];
    expect(first).toHaveLength(1);
    // Another folder with nothing of its own: the same read, not a new one.
    expectPartOf(await read(t.other, headers), await read(t.other));
    expect([...headers.reads.values()]).toEqual(first);
    expect([...headers.reads.values()][0]).toBe(first[0]);
    // A folder whose shadow.h the header's <shadow.h> finds first: read again, with its own struct.
    const shadowed = await read(t.shadowing, headers);
    expectPartOf(shadowed, await read(t.shadowing));
    expect(size(shadowed)).toBe(size(await read(t.shadowing)));
    expect(size(shadowed)).not.toBe(size(await read(t.plain)));
    const both = [...headers.reads.values()];
    expect(both).toHaveLength(2);
    expect(both).toContain(first[0]);
    // Both reads are kept under the one key: the plain folder's turn again reuses its read, the shadowing one's its own.
    expectPartOf(await read(t.plain, headers), await read(t.plain));
    expectPartOf(await read(t.shadowing, headers), await read(t.shadowing));
    expect(new Set(headers.reads)).toEqual(new Set(both));
  });

  it("is read again where a __has_include in it answers otherwise for another program", async () => {
    const root = mkdtempSync(join(tmpdir(), "abidrift-has-include-"));
    const common = join(root, "include");
    mkdirSync(common);
    writeFileSync(join(common, "big.h"), "#if __has_include(<wide.h>)\nstruct big { unsigned long long wide; };\n#else\nstruct big { unsigned char narrow; };\n#endif\n");
    const prog = (name: string, wide: boolean): string => {
      const d = join(root, name);
      mkdirSync(d);
      writeFileSync(join(d, "prog.bpf.c"), "#include <big.h>\nstruct event { struct big b; };\n");
      if (wide) writeFileSync(join(d, "wide.h"), "\n");
      return d;
    };
    const narrow = prog("narrow", false);
    const wide = prog("wide", true);
    const headers = new HeaderCache({ minSize: 0 });
    const read = (d: string, cache?: HeaderCache) => readCSource(join(d, "prog.bpf.c"), { target: TARGETS.bpfel, includeDirs: [d, common], ...(cache ? { headers: cache } : {}) });
    const size = async (d: string, cache?: HeaderCache): Promise<number> => {
      const r = await read(d, cache);
      const t = r.graph.type(r.graph.find("event")[0]!);
      return t.kind === "struct" ? t.size : -1;
    };
    expect(await size(narrow, headers)).toBe(await size(narrow));
    expect(await size(wide, headers)).toBe(await size(wide));
    expect(await size(wide)).not.toBe(await size(narrow));
  });
});
