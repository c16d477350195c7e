// Btf.find answers its first few lookups by comparing name bytes in the
// records, then from an index of every name. Both must give what the
// decoded types say: the oracle here is ir/graph's indexNames, which reads
// each type's name from its IR node. Names are drawn from each BTF with a
// seed, with near misses (a prefix, a longer name, another case) and names
// absent from it; the BTF comes from clang in both byte orders, and from
// the kernel and its modules (split on vmlinux) where the machine has them.
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { indexNames } from "../../../src/ir/graph.js";
import type { TypeId } from "../../../src/ir/types.js";
import { parseBtf, readBtfFile } from "../../../src/readers/btf/index.js";
import type { Btf } from "../../../src/readers/btf/btf.js";
import { compileBpfText, ENDIANS, HAVE_CLANG, scratchDir } from "./compile.js";
import { freshSeed, randomStructs, rng } from "./random-structs.js";
import { HAVE_OBJCOPY, sectionBytes } from "./sections.js";

const SEED = freshSeed();
const KERNEL = "/sys/kernel/btf/vmlinux";

/** Names to look up: a seeded sample of those in `index`, each with its near misses, and some in no BTF. */
function probes(index: Map<string, TypeId[]>, seed: number, count: number): string[] {
  const random = rng(seed);
  const names = [...index.keys()];
  const out = ["no_such_type_anywhere", "", "\u00e9t\u00e9"];
  for (let k = 0; k < count && names.length; k++) {
    const n = names[Math.floor(random() * names.length)]!;
    out.push(n, n.slice(0, -1), `${n}_`, n.toUpperCase(), `${n}\u00e9`);
  }
  return out;
}

/** Each name looked up on a fresh reader (the scan), then all on one (past the first few, the index), against the oracle. */
function expectFindsAgree(open: () => Btf, names: readonly string[]): void {
  const oracle = indexNames(open());
  const want = (n: string): readonly TypeId[] => (n === "" ? [] : (oracle.get(n) ?? []));
  for (const n of names) expect(open().find(n), `scan of ${JSON.stringify(n)}`).toEqual(want(n));
  const one = open();
  for (const n of names) expect(one.find(n), `find of ${JSON.stringify(n)} on one reader`).toEqual(want(n));
}

describe("Btf.find: scan and index agree with the decoded names", () => {
  describe.skipIf(!HAVE_CLANG || !HAVE_OBJCOPY)("clang's BTF (skipped without clang-16 or llvm-objcopy-16)", () => {
    for (const target of ENDIANS) {
      it(`seed ${SEED}, ${target}`, () => {
        const dir = scratchDir("find");
        const obj = compileBpfText(`find_${SEED}`, randomStructs(SEED, 40), target, dir);
        const bytes = sectionBytes(obj, ".BTF");
        const open = () => parseBtf(bytes, { file: obj });
        expectFindsAgree(open, probes(indexNames(open()), SEED, 30));
      });
    }
  });

  it.skipIf(!existsSync(KERNEL))("the kernel's BTF, and a module's split on it (skipped without /sys/kernel/btf/vmlinux)", () => {
    const open = () => readBtfFile(KERNEL);
    expectFindsAgree(open, probes(indexNames(open()), SEED, 20));
    const module = readdirSync("/sys/kernel/btf").find((f) => f !== "vmlinux");
    if (module) {
      const openModule = () => readBtfFile(`/sys/kernel/btf/${module}`);
      const own = indexNames(openModule());
      expectFindsAgree(openModule, probes(own, SEED ^ 0x5a5a, 10));
    }
  });
});
