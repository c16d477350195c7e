// Differential test: seeded random structs compiled by clang-16 for both
// byte orders; abidrift's reading of the BTF must equal bpftool's for every
// type. A fresh seed each run, plus fixed ones; the seed is in every message.
import { describe, expect, it } from "vitest";
import { parseBtf } from "../../../src/readers/btf/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { compileBpfText, ENDIANS, HAVE_CLANG, scratchDir } from "./compile.js";
import { diffGraph, report } from "./compare.js";
import { freshSeed, randomStructs } from "./random-structs.js";
import { HAVE_OBJCOPY, sectionBytes } from "./sections.js";

const SEEDS = [1, 0xabad1dea, freshSeed()];
const STRUCTS_PER_SEED = 150;

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || !HAVE_OBJCOPY)(
  "random structs: abidrift's BTF reading equals bpftool's (skipped without clang-16, bpftool or llvm-objcopy-16)",
  () => {
    for (const seed of SEEDS) {
      for (const target of ENDIANS) {
        it(`seed ${seed}, ${target}`, () => {
          const dir = scratchDir("random");
          const obj = compileBpfText(`random_${seed}`, randomStructs(seed, STRUCTS_PER_SEED), target, dir);
          const records = bpftoolDump(obj);
          expect(records.filter((x) => x.kind === "STRUCT" || x.kind === "UNION").length).toBeGreaterThanOrEqual(STRUCTS_PER_SEED);
          const btf = parseBtf(sectionBytes(obj, ".BTF"), { file: obj });
          expect(report(diffGraph(btf, records, { full: true })), `seed ${seed} (${target}); C in ${dir}`).toBe("");
        });
      }
    }
  },
);
