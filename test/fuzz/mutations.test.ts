// Seeded mutation fuzzing over real inputs: the .BTF of compiled fixtures
// (both byte orders), a slice of the kernel's BTF, and whole objects
// (ELF headers, section table, .BTF, .maps). Every case must end in a result
// or a one-line InputError naming the file, never another exception, within
// a time bound. A fresh seed each run, printed, plus fixed seeds.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES_OBJECTS, compileBpf, FIXTURES_BPF, HAVE_CLANG, scratchDir } from "../readers/btf/compile.js";
import { freshSeed } from "../readers/btf/random-structs.js";
import { HAVE_OBJCOPY, sectionBytes } from "../readers/btf/sections.js";
import { btfParts, sliceBtf } from "./btf-layout.js";
import { exerciseBtf, exerciseObject, runCase } from "./exercise.js";
import { mutants, type Region } from "./mutate.js";
import { elfParts } from "./elf-layout.js";

const FRESH = freshSeed();
const SEEDS = [7, 0x5eed, FRESH];
const CASES_PER_INPUT = 100;
// Far above any real case (milliseconds); only a hang or a blow-up crosses it.
const BOUND_MS = 5000;

interface Input {
  name: string;
  bytes: Uint8Array;
  kind: "btf" | "object";
}

function btfTargets(name: string, bytes: Uint8Array): { boundaries: number[]; regions: Region[] } {
  const p = btfParts(bytes);
  return {
    boundaries: [0, 2, 4, 8, 12, 16, 20, 24, p.typeStart, p.typeEnd, p.strStart, p.strEnd, ...p.records.filter((_, i) => i % 7 === 0)],
    regions: [
      { name: `${name} header`, start: 0, end: 24 },
      { name: `${name} types`, start: p.typeStart, end: p.typeEnd },
      { name: `${name} strings`, start: p.strStart, end: p.strEnd },
    ],
  };
}

function objectTargets(name: string, bytes: Uint8Array): { boundaries: number[]; regions: Region[] } {
  const e = elfParts(bytes);
  return {
    boundaries: [0, 4, 16, 18, 20, 0x28, 0x3a, 0x3c, 0x3e, 0x40, e.shoff, ...e.sections.flatMap((s) => [s.offset, s.offset + s.size])],
    regions: [
      { name: `${name} ELF header`, start: 0, end: 64 },
      { name: `${name} section headers`, start: e.shoff, end: e.shoff + e.shnum * 64 },
      ...e.sections.filter((s) => [".BTF", ".maps", "maps", ".symtab", ".strtab", ".rodata", "license"].includes(s.name)).map((s) => ({ name: `${name} ${s.name}`, start: s.offset, end: s.offset + s.size })),
    ],
  };
}

describe.skipIf(!HAVE_CLANG || !HAVE_OBJCOPY)(`mutated BTF and objects (fresh seed ${FRESH}; skipped without clang-16 or llvm-objcopy-16)`, () => {
  const inputs: Input[] = [];
  beforeAll(() => {
    const dir = scratchDir("fuzz");
    for (const target of ["bpfel", "bpfeb"] as const) {
      const kinds = compileBpf(`${FIXTURES_BPF}btf_kinds.bpf.c`, target, dir);
      const maps = compileBpf(`${FIXTURES_BPF}map_kinds.bpf.c`, target, dir);
      const legacy = compileBpf(`${FIXTURES_BPF}legacy_maps.bpf.c`, target, dir);
      inputs.push({ name: `btf_kinds.${target} .BTF`, bytes: sectionBytes(kinds, ".BTF"), kind: "btf" });
      inputs.push({ name: `map_kinds.${target}.o`, bytes: readFileSync(maps), kind: "object" });
      inputs.push({ name: `legacy_maps.${target}.o`, bytes: readFileSync(legacy), kind: "object" });
      inputs.push({ name: `dns_key.${target}.o`, bytes: readFileSync(`${FIXTURES_OBJECTS}dns_key.${target}.o`), kind: "object" });
    }
    try {
      inputs.push({ name: "vmlinux slice", bytes: sliceBtf(readFileSync("/sys/kernel/btf/vmlinux"), 1500), kind: "btf" });
    } catch {
      // No kernel BTF here: the fixtures still run; the slice is reported below.
    }
  });

  it("has the kernel's BTF to slice (skips the vmlinux slice only)", ({ skip }) => {
    if (!inputs.some((i) => i.name === "vmlinux slice")) skip("no /sys/kernel/btf/vmlinux on this machine");
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: every mutant ends in a result or an InputError`, () => {
      const problems: string[] = [];
      let cases = 0;
      let slowest = 0;
      let rejected = 0;
      for (const input of inputs) {
        const file = `${input.name.replace(/\W+/g, "_")}.mutant`;
        const { boundaries, regions } = input.kind === "btf" ? btfTargets(input.name, input.bytes) : objectTargets(input.name, input.bytes);
        mutants(seed, input.bytes, boundaries, regions, CASES_PER_INPUT).forEach((m, i) => {
          const run = input.kind === "btf" ? () => exerciseBtf(m.bytes, file) : () => exerciseObject(m.bytes, file);
          const outcome = runCase(run, file);
          cases++;
          slowest = Math.max(slowest, outcome.ms);
          if (outcome.rejected) rejected++;
          if (!outcome.ok) problems.push(`seed ${seed} ${input.name} case ${i} (${m.what}): ${outcome.problem}`);
          if (outcome.ms > BOUND_MS) problems.push(`seed ${seed} ${input.name} case ${i} (${m.what}): took ${outcome.ms.toFixed(0)} ms`);
        });
      }
      console.log(`fuzz seed ${seed}: ${cases} cases, ${rejected} rejected with an InputError, slowest ${slowest.toFixed(1)} ms`);
      expect(cases).toBeGreaterThan(200);
      // Mutants that all die at the magic number would test nothing deeper.
      expect(rejected, "some mutants are rejected").toBeGreaterThan(cases / 10);
      expect(cases - rejected, "some mutants still read").toBeGreaterThan(cases / 10);
      expect(problems.slice(0, 20).join("\n"), `seed ${seed}: ${problems.length} of ${cases} cases wrong`).toBe("");
    });
  }
});
