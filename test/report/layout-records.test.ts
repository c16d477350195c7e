// `layout` of BTF is formatted from the records (src/report/layout/records*.ts)
// and must print what the graph path (layoutText, layoutJsonTypes) prints,
// byte for byte: on the kernel's BTF, on the committed objects, on every
// fixture compiled for both byte orders, on seeded random structs, on split
// BTF over a base, with --cachelines, colour, a chosen subset of types and
// JSON. On mutated and hand-built BTF the records path may decline, and must
// whenever the graph path fails; what it does print must be the graph's.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/ir/errors.js";
import type { TypeGraph } from "../../src/ir/graph.js";
import type { TypeId } from "../../src/ir/types.js";
import { btfAggregates, parseBtf, readBtfFile, type Btf } from "../../src/readers/btf/index.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { layoutJsonTypes } from "../../src/report/layout/json.js";
import { layoutFromRecords, writeLayoutFromRecords } from "../../src/report/layout/records.js";
import { layoutText } from "../../src/report/layout/text.js";
import { ansi, plain, type Style } from "../../src/report/style.js";
import { TextBuffer } from "../../src/report/text-buffer.js";
import { btfParts, sliceBtf } from "../fuzz/btf-layout.js";
import { int, Kind, writeBtf, type RawType } from "../fuzz/btf-writer.js";
import { mutants } from "../fuzz/mutate.js";
import { hasTool } from "../oracles/bpftool.js";
import { compileAllFixtures, compileBpfText, FIXTURES_OBJECTS, HAVE_CLANG, scratchDir } from "../readers/btf/compile.js";
import { freshSeed, randomStructs, rng } from "../readers/btf/random-structs.js";
import { HAVE_OBJCOPY, sectionBytes } from "../readers/btf/sections.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";

interface Source {
  graph: TypeGraph;
  ids: TypeId[];
  heading?: string;
}

interface Options {
  format: "text" | "json";
  cachelines?: boolean;
  cachelineSize?: number;
  style?: Style;
}

/** What src/cli/layout.ts prints over the graph, for the same sources. */
function graphLayout(sources: readonly Source[], opts: Options): string {
  if (opts.format === "json") {
    const types = sources.flatMap((s) => layoutJsonTypes(s.graph, s.ids));
    return `${JSON.stringify({ types }, null, 2)}\n`;
  }
  const out = new TextBuffer();
  for (const s of sources) {
    if (s.heading !== undefined) {
      out.line(s.heading);
      out.line("");
    }
    layoutText(s.graph, s.ids, out, { cachelines: opts.cachelines, cachelineSize: opts.cachelineSize, style: opts.style ?? plain });
  }
  return out.toString();
}

/** The graph path's text, or the one line it fails with. */
function graphOutcome(make: () => Source[], opts: Options): { text?: string; error?: string } {
  try {
    return { text: graphLayout(make(), opts) };
  } catch (e) {
    if (e instanceof InputError) return { error: e.message };
    throw e;
  }
}

/** The records path's text, or undefined where it declines. */
async function recordsOutcome(make: () => Source[], opts: Options): Promise<string | undefined> {
  let sources: Source[];
  try {
    sources = make();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  // Streamed: every question that could decline is asked before the first chunk, so a declined layout wrote nothing.
  const chunks: Buffer[] = [];
  const printed = await writeLayoutFromRecords(sources, opts, (c) => (chunks.push(Buffer.from(c)), true));
  if (!printed) {
    expect(chunks, "a declined layout wrote chunks").toEqual([]);
    return undefined;
  }
  return Buffer.concat(chunks).toString("utf8");
}

const VARIANTS: [string, Options][] = [
  ["text", { format: "text" }],
  ["text with --cachelines", { format: "text", cachelines: true }],
  ["text with --cachelines --cacheline-size 32, in colour", { format: "text", cachelines: true, cachelineSize: 32, style: ansi }],
  ["json", { format: "json" }],
];

/** Both paths over fresh readers of the same input (caches must not carry over), for every variant. */
async function expectSame(what: string, make: () => Source[]): Promise<void> {
  for (const [name, opts] of VARIANTS) {
    const records = await recordsOutcome(make, opts);
    expect(records, `${what} (${name}): the records path declined`).toBeDefined();
    const graph = graphLayout(make(), opts);
    expect(records === graph, `${what} (${name}): records and graph differ\n${firstDifference(records!, graph)}`).toBe(true);
  }
}

function firstDifference(a: string, b: string): string {
  const al = a.split("\n");
  const bl = b.split("\n");
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}:\n  records ${JSON.stringify(al[i])}\n  graph   ${JSON.stringify(bl[i])}`;
  }
  return "(same lines)";
}

const btfSource = (btf: Btf): Source[] => [{ graph: btf, ids: btfAggregates(btf) }];

function objectSources(bytes: Uint8Array, file: string): Source[] {
  const objects = readBpfObjects(bytes, file);
  return objects.map((m) => ({
    graph: m.graph,
    ids: "firstId" in m.graph ? btfAggregates(m.graph as Btf) : [],
    heading: objects.length > 1 || m.offset ? `/* ${file}: BPF object at offset 0x${(m.offset ?? 0).toString(16)} */` : undefined,
  }));
}

describe("layout from BTF records against the graph path", () => {
  it.skipIf(!existsSync(VMLINUX))(`prints ${VMLINUX} as the graph path does (skipped without kernel BTF)`, async () => {
    const bytes = readFileSync(VMLINUX);
    await expectSame(VMLINUX, () => btfSource(parseBtf(bytes, { file: VMLINUX })));
  });

  it.skipIf(!existsSync(VMLINUX))(`streams ${VMLINUX} in chunks, each a copy the writer does not touch again (skipped without kernel BTF)`, async () => {
    const bytes = readFileSync(VMLINUX);
    for (const [name, opts] of VARIANTS) {
      const chunks: Buffer[] = [];
      const copies: Buffer[] = [];
      expect(await writeLayoutFromRecords(btfSource(parseBtf(bytes, { file: VMLINUX })), opts, (c) => (chunks.push(c), copies.push(Buffer.from(c)), false))).toBe(true);
      expect(chunks.length, `${name}: a kernel's layout is more than one chunk`).toBeGreaterThan(4);
      expect(Buffer.concat(chunks).equals(Buffer.concat(copies)), `${name}: a chunk changed after it was handed over`).toBe(true);
      expect(Buffer.concat(chunks).equals((await layoutFromRecords(btfSource(parseBtf(bytes, { file: VMLINUX })), opts))!)).toBe(true);
    }
  });

  it.skipIf(!existsSync(VMLINUX))(`waits for a sink that is done with each chunk later, holding two at most and filling their buffers again (skipped without kernel BTF)`, async () => {
    const bytes = readFileSync(VMLINUX);
    for (const [name, opts] of VARIANTS) {
      const copies: Buffer[] = [];
      const held = new Set<number>();
      const buffers = new Set<ArrayBufferLike>();
      let most = 0;
      const sink = (c: Buffer): Promise<void> => {
        const k = copies.push(Buffer.from(c)) - 1;
        buffers.add(c.buffer);
        held.add(k);
        most = Math.max(most, held.size);
        // Done a turn of the event loop later, as a pipe's write is; the bytes must not change until then.
        return new Promise((resolve) =>
          setImmediate(() => {
            expect(c.equals(copies[k]!), `${name}: chunk ${k} changed before the sink was done with it`).toBe(true);
            held.delete(k);
            resolve();
          }),
        );
      };
      expect(await writeLayoutFromRecords(btfSource(parseBtf(bytes, { file: VMLINUX })), opts, sink)).toBe(true);
      expect(held.size, `${name}: the writer returned before the sink was done`).toBe(0);
      expect(copies.length, `${name}: a kernel's layout is more than one chunk`).toBeGreaterThan(4);
      expect(most, `${name}: chunks held at once`).toBeLessThanOrEqual(2);
      expect(buffers.size, `${name}: buffers filled`).toBeLessThanOrEqual(2);
      expect(Buffer.concat(copies).equals((await layoutFromRecords(btfSource(parseBtf(bytes, { file: VMLINUX })), opts))!), `${name}: the output differs`).toBe(true);
    }
  });

  it.skipIf(!existsSync(VMLINUX))(`prints a seeded sample of ${VMLINUX}'s types, as --type picks them (skipped without kernel BTF)`, async () => {
    const bytes = readFileSync(VMLINUX);
    const seed = freshSeed();
    const r = rng(seed);
    const all = btfAggregates(parseBtf(bytes, { file: VMLINUX }));
    const picked = [...new Set(Array.from({ length: 60 }, () => all[Math.floor(r() * all.length)]!))].sort((a, b) => a - b);
    await expectSame(`${VMLINUX}, seed ${seed}`, () => [{ graph: parseBtf(bytes, { file: VMLINUX }), ids: picked }]);
  });

  for (const name of ["dns_key.bpfel.o", "dns_key.bpfeb.o"]) {
    it(`prints fixtures/objects/${name} as the graph path does`, async () => {
      const bytes = readFileSync(join(FIXTURES_OBJECTS, name));
      await expectSame(name, () => objectSources(bytes, name));
    });
  }

  it.skipIf(!existsSync("/usr/sbin/execsnoop"))("prints the objects a libbpf-tools binary embeds, with their headings (skipped without libbpf-tools)", async () => {
    const bytes = readFileSync("/usr/sbin/execsnoop");
    await expectSame("execsnoop", () => objectSources(bytes, "execsnoop"));
  });

  describe.skipIf(!HAVE_CLANG)("compiled with clang-16 (skipped without it)", () => {
    it("prints every fixtures/bpf program, both byte orders, as the graph path does", async () => {
      const compiled = compileAllFixtures(scratchDir("records-fixtures"));
      expect(compiled.length).toBeGreaterThan(10);
      for (const c of compiled) {
        const bytes = readFileSync(c.path);
        await expectSame(`${c.name}.${c.target}.o`, () => objectSources(bytes, c.path));
      }
    });

    it("prints seeded random structs (bitfields, nesting, packing), both byte orders, as the graph path does", async () => {
      const dir = scratchDir("records-random");
      for (const seed of [1, 0xbeef, freshSeed()]) {
        for (const target of ["bpfel", "bpfeb"] as const) {
          const obj = compileBpfText(`random_${seed}`, randomStructs(seed, 40), target, dir);
          const bytes = readFileSync(obj);
          await expectSame(`random structs seed ${seed} ${target}`, () => objectSources(bytes, obj));
        }
      }
    });
  });

  it.skipIf(!HAVE_CLANG || !HAVE_OBJCOPY || !hasTool("pahole") || !hasTool("gcc"))(
    "prints split BTF over its base as the graph path does (skipped without clang-16, llvm-objcopy-16, pahole or gcc)",
    async () => {
      const dir = scratchDir("records-split");
      const base = join(dir, "base.btf");
      const baseObj = compileBpfText("base", "struct base_key { unsigned int id; unsigned short port; };\nstruct base_key base_var;\n", "bpfel", dir);
      execFileSync("llvm-objcopy-16", [`--dump-section=.BTF=${base}`, baseObj, join(dir, "discard.o")]);
      writeFileSync(
        join(dir, "split.c"),
        "struct base_key { unsigned int id; unsigned short port; };\n" +
          "struct split_stats { struct base_key key; char pad; struct base_key keys[3]; unsigned kind : 3, urgent : 1; union { long a; char b; }; struct split_stats *next; };\n" +
          "struct split_stats split_var;\n",
      );
      const splitObj = join(dir, "split.o");
      execFileSync("gcc", ["-g", "-c", join(dir, "split.c"), "-o", splitObj]);
      execFileSync("pahole", ["-J", "--btf_base", base, splitObj], { stdio: ["ignore", "ignore", "pipe"] });
      const split = join(dir, "split.btf");
      execFileSync("llvm-objcopy-16", [`--dump-section=.BTF=${split}`, splitObj, join(dir, "discard2.o")]);
      const make = (): Source[] => btfSource(readBtfFile(split, { base: readBtfFile(base) }));
      expect(make()[0]!.ids.length, "split_stats is in the split part").toBeGreaterThan(0);
      await expectSame("split BTF", make);
    },
  );

  it("declines names beyond ASCII, whose width in columns the records do not give", async () => {
    const bytes = writeBtf([int("int", 4), { kind: Kind.STRUCT, name: "größe", vlen: 1, sizeOrType: 4, words: [0, 1, 0] }]);
    expect(await layoutFromRecords(btfSource(parseBtf(bytes, { file: "utf8.btf" })), { format: "text" })).toBeUndefined();
    expect(graphLayout(btfSource(parseBtf(bytes, { file: "utf8.btf" })), { format: "text" })).toContain("struct größe {");
  });
});

/** Mutants and hand-built BTF: declined wherever the graph fails, equal wherever printed. */
async function holdToGraph(cases: { name: string; bytes: Uint8Array }[], file: string): Promise<{ printed: number; declined: number; problems: string[] }> {
  let printed = 0;
  let declined = 0;
  const problems: string[] = [];
  for (const c of cases) {
    for (const [variant, opts] of VARIANTS) {
      const make = () => btfSource(parseBtf(c.bytes, { file }));
      const records = await recordsOutcome(make, opts);
      const graph = graphOutcome(make, opts);
      if (records === undefined) {
        declined++;
        continue;
      }
      printed++;
      if (graph.error !== undefined) problems.push(`${c.name} (${variant}): printed where the graph path fails with ${graph.error}`);
      else if (records !== graph.text) problems.push(`${c.name} (${variant}): ${firstDifference(records, graph.text!)}`);
    }
  }
  return { printed, declined, problems };
}

const member = (name: number, type: number, bitOffset: number): number[] => [name, type, bitOffset];
const CRAFTED: [string, RawType[]][] = [
  ["struct containing itself", [int("int", 4, true), { kind: Kind.STRUCT, name: "self", vlen: 2, sizeOrType: 8, words: [...member(0, 1, 0), ...member(0, 2, 32)] }]],
  ["two structs containing each other", [{ kind: Kind.STRUCT, name: "a", vlen: 1, sizeOrType: 4, words: member(0, 2, 0) }, { kind: Kind.STRUCT, name: "b", vlen: 1, sizeOrType: 4, words: member(0, 1, 0) }]],
  ["typedef loop as a member type", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 2, 0) }, { kind: Kind.TYPEDEF, name: "t", sizeOrType: 3 }, { kind: Kind.CONST, sizeOrType: 2 }]],
  ["pointer loop as a member type", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 8, words: member(0, 2, 0) }, { kind: Kind.PTR, sizeOrType: 3 }, { kind: Kind.PTR, sizeOrType: 2 }]],
  ["member type id out of range", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 99, 0) }]],
  ["members overlapping and past the end", [int("int", 4), { kind: Kind.STRUCT, name: "s", vlen: 3, sizeOrType: 4, words: [...member(0, 1, 0), ...member(0, 1, 16), ...member(0, 1, 64)] }]],
  ["array count 0xffffffff of a struct of 0xffffffff bytes", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 8, words: member(0, 2, 0) }, { kind: Kind.ARRAY, sizeOrType: 0, words: [3, 4, 0xffffffff] }, { kind: Kind.STRUCT, name: "big", vlen: 0, sizeOrType: 0xffffffff }, int("int", 4)]],
  ["INT of 0 bits as a member type", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 2, 0) }, { kind: Kind.INT, name: "bad", sizeOrType: 4, words: [0] }]],
  ["func_proto member with a void parameter before the last", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 8, words: member(0, 2, 0) }, { kind: Kind.PTR, sizeOrType: 3 }, { kind: Kind.FUNC_PROTO, vlen: 3, sizeOrType: 4, words: [0, 0, 0, 4, 0, 0] }, int("int", 4)]],
  ["member types whose names end in whitespace", [int("int", 4), { kind: Kind.TYPEDEF, name: "t ", sizeOrType: 1 }, { kind: Kind.TYPEDEF, name: "u\t", sizeOrType: 1 }, { kind: Kind.PTR, sizeOrType: 3 }, { kind: Kind.STRUCT, name: "s", vlen: 3, sizeOrType: 16, words: [...member(0, 2, 0), ...member(0, 3, 32), ...member(0, 4, 64)] }]],
  ["anonymous union inside an anonymous struct, with a hole", [int("int", 4), { kind: Kind.STRUCT, name: "s", vlen: 2, sizeOrType: 16, words: [...member(0, 1, 0), ...member(0, 3, 64)] }, { kind: Kind.STRUCT, vlen: 1, sizeOrType: 8, words: member(0, 4, 0) }, { kind: Kind.UNION, vlen: 1, sizeOrType: 4, words: member(0, 1, 0) }]],
];

describe("layout from BTF records on mutated and hand-built BTF", () => {
  it("declines every hand-built case the graph path rejects, and prints the others as it does", async () => {
    const { printed, declined, problems } = await holdToGraph(CRAFTED.map(([name, types]) => ({ name, bytes: writeBtf(types) })), "crafted.btf");
    expect(problems.join("\n")).toBe("");
    expect(printed, "some hand-built cases print").toBeGreaterThan(0);
    expect(declined, "some hand-built cases are declined").toBeGreaterThan(0);
  });

  it("spells qualified pointers, arrays of them, tagged pointers and function parameters as the graph path does", async () => {
    // Member and parameter names first, so their offsets are known: "x " (1) ends in a space, which declare's trim would cut.
    const strings = ["x ", "n", "a", "b", "c", "d", "e"];
    const at = (name: string): number => 1 + strings.slice(0, strings.indexOf(name)).reduce((n, s) => n + s.length + 1, 0);
    const types: RawType[] = [
      int("int", 4, true), // 1
      { kind: Kind.CONST, sizeOrType: 3 }, // 2: int *const
      { kind: Kind.PTR, sizeOrType: 1 }, // 3
      {
        kind: Kind.STRUCT,
        name: "quals",
        vlen: 5,
        sizeOrType: 56,
        words: [...member(at("a"), 2, 0), ...member(at("b"), 6, 64), ...member(at("c"), 9, 128), ...member(at("d"), 10, 320), ...member(at("e"), 12, 384)],
      }, // 4
      int("char", 1, true), // 5
      { kind: Kind.PTR, sizeOrType: 7 }, // 6
      { kind: Kind.FUNC_PROTO, vlen: 3, sizeOrType: 1, words: [0, 2, at("x "), 13, at("n"), 2] }, // 7: int (*)(int *const, const char *x , int *const n)
      int("long", 8, true), // 8
      { kind: Kind.ARRAY, sizeOrType: 0, words: [2, 8, 3] }, // 9: int *const [3]
      { kind: Kind.VOLATILE, sizeOrType: 11 }, // 10: volatile over a restrict pointer
      { kind: Kind.RESTRICT, sizeOrType: 3 }, // 11
      { kind: Kind.TYPE_TAG, name: "user", sizeOrType: 3 }, // 12
      { kind: Kind.PTR, sizeOrType: 14 }, // 13
      { kind: Kind.CONST, sizeOrType: 5 }, // 14
    ];
    const { printed, declined, problems } = await holdToGraph([{ name: "qualifiers", bytes: writeBtf(types, { strings }) }], "qualifiers.btf");
    expect(problems.join("\n")).toBe("");
    expect({ printed, declined }).toEqual({ printed: VARIANTS.length, declined: 0 });
  });

  it("declines text for a member whose declarator is wider than the 16 bits it keeps a width in; JSON, which keeps none, prints it", async () => {
    // A pointer to a function whose two parameter names make its declarator `(*` `)(int ppp…, int qqq…)` 65,539
    // columns wide: kept in 16 bits, 3, and the member's line would be padded as if it were that narrow.
    const strings = ["p".repeat(32_762), "q".repeat(32_762), "f"];
    const types: RawType[] = [
      int("int", 4, true), // 1
      { kind: Kind.PTR, sizeOrType: 3 }, // 2
      { kind: Kind.FUNC_PROTO, vlen: 2, sizeOrType: 1, words: [1, 1, 32_764, 1] }, // 3: int (*)(int ppp…, int qqq…)
      { kind: Kind.STRUCT, name: "wide", vlen: 1, sizeOrType: 8, words: member(65_527, 2, 0) }, // 4
    ];
    const { printed, declined, problems } = await holdToGraph([{ name: "wide declarator", bytes: writeBtf(types, { strings }) }], "wide.btf");
    expect(problems.join("\n")).toBe("");
    expect({ printed, declined }).toEqual({ printed: 1, declined: VARIANTS.length - 1 });
  });

  describe.skipIf(!HAVE_CLANG || !HAVE_OBJCOPY)("mutants (skipped without clang-16 or llvm-objcopy-16)", () => {
    const inputs: { name: string; bytes: Uint8Array }[] = [];
    beforeAll(() => {
      const dir = scratchDir("records-fuzz");
      for (const target of ["bpfel", "bpfeb"] as const) {
        const obj = compileBpfText("random", randomStructs(7, 30), target, dir);
        inputs.push({ name: `random.${target} .BTF`, bytes: sectionBytes(obj, ".BTF") });
      }
      if (existsSync(VMLINUX)) inputs.push({ name: "vmlinux slice", bytes: sliceBtf(readFileSync(VMLINUX), 3000) });
    });

    for (const seed of [11, freshSeed()]) {
      it(`seed ${seed}: declined wherever the graph path fails, the graph's bytes wherever printed`, async () => {
        const cases: { name: string; bytes: Uint8Array }[] = [];
        for (const input of inputs) {
          const p = btfParts(input.bytes);
          const boundaries = [0, 8, 12, 16, 20, 24, p.typeStart, p.typeEnd, p.strStart, p.strEnd, ...p.records.filter((_, i) => i % 5 === 0)];
          const regions = [
            { name: "types", start: p.typeStart, end: p.typeEnd },
            { name: "strings", start: p.strStart, end: p.strEnd },
          ];
          mutants(seed, input.bytes, boundaries, regions, 60).forEach((m, i) => cases.push({ name: `seed ${seed} ${input.name} case ${i} (${m.what})`, bytes: m.bytes }));
        }
        const { printed, declined, problems } = await holdToGraph(cases, "mutant.btf");
        console.log(`records fuzz seed ${seed}: ${cases.length} mutants, ${printed} outputs printed from records, ${declined} declined`);
        expect(problems.slice(0, 10).join("\n"), `seed ${seed}: ${problems.length} wrong`).toBe("");
        expect(printed, "some mutants print from the records").toBeGreaterThan(cases.length / 10);
      });
    }
  });
});
