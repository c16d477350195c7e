import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { HeaderCache } from "../../../src/readers/c/index.js";
import { preprocess } from "../../../src/readers/c/preprocess.js";
import { freshSeed, rng } from "../../oracles/random.js";

// A header included again behind its include guard gives nothing and is not
// read again (vmlinux.h, included by a program and by three of its headers,
// was read four times). Only a file that is one guard from its first
// directive to its last line may be skipped: seeded programs include
// headers of every shape (a guard; text before it or after its #endif; an
// #else of its own; a guard without its #define; nested conditionals
// inside) again and again, defining and undefining the guards between, and
// what comes out must be what clang's preprocessor gives, line for line.

const HAVE_CLANG = spawnSync("clang-16", ["--version"], { stdio: "ignore" }).status === 0;
const SEEDS = [1, 2, 0xfeed, freshSeed()];

/** Each shape of header, for header `k`: its text. */
const SHAPES: ((k: number) => string)[] = [
  (k) => `#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#ifdef X\nint h${k}_x;\n#endif\nint h${k}_b;\n#endif\n`,
  (k) => `\n\n#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#endif /* G${k} */\n\n`,
  (k) => `int h${k}_before;\n#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#endif\n`,
  (k) => `#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#endif\nint h${k}_after;\n`,
  (k) => `#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#else\nint h${k}_again;\n#endif\n`,
  (k) => `#ifndef G${k}\nint h${k}_a;\n#endif\n`,
  (k) => `#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#endif\n#define H${k}_AFTER 1\n`,
  (k) => `#define H${k}_BEFORE 1\n#ifndef G${k}\n#define G${k}\nint h${k}_a;\n#endif\n`,
];

function program(seed: number): { dir: string; main: string } {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const dir = mkdtempSync(join(tmpdir(), "abidrift-guards-"));
  // Every shape in every program; the seed decides the includes and the defines between them.
  const headers = SHAPES.length;
  SHAPES.forEach((shape, k) => writeFileSync(join(dir, `h${k}.h`), shape(k)));
  const lines: string[] = [];
  for (let n = 0; n < 200; n++) {
    const k = Math.floor(next() * headers);
    lines.push(
      pick([
        `#include "h${k}.h"`,
        `#include "h${k}.h"`,
        `#include "h${k}.h"`,
        `#undef G${k}`,
        `#define G${k}`,
        `#undef H${k}_BEFORE`,
        `#undef H${k}_AFTER`,
        `int main_${n} = H${k}_BEFORE + H${k}_AFTER;`,
        "#define X 1",
        "#undef X",
      ]),
    );
  }
  const main = join(dir, "main.c");
  writeFileSync(main, lines.join("\n") + "\n");
  return { dir, main };
}

const nonBlank = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

describe.skipIf(!HAVE_CLANG)("include guards: a header again behind its guard (skipped without clang-16)", () => {
  for (const seed of SEEDS) {
    it(`gives what clang -E gives, seed ${seed}`, () => {
      const { dir, main } = program(seed);
      const clang = nonBlank(execFileSync("clang-16", ["-E", "-P", "-undef", "-nostdinc", main], { encoding: "utf8" }));
      for (const headers of [undefined, new HeaderCache({ minSize: 0 })]) {
        const ours = preprocess(main, { target: TARGETS.bpfel, includeDirs: [dir], defines: {}, files: {}, ...(headers ? { headers } : {}) });
        expect(ours.problems, `seed ${seed}: ${dir}`).toEqual([]);
        const lines = ours.text.split("\n");
        expect(nonBlank(ours.text), `seed ${seed}: ${dir}`).toEqual(clang);
        // Each declaration is said to come from where it is written (macros expanded after its name).
        const declared = (l: string | undefined): string | undefined => /^int \w+/.exec(l ?? "")?.[0];
        lines.forEach((l, i) => {
          if (l.trim() === "") return;
          const source = readFileSync(ours.fileNames[ours.lineFile[i]!]!, "utf8").split("\n")[ours.lineNo[i]! - 1];
          expect(declared(source), `seed ${seed}: line ${i + 1} of the output, ${l}`).toBe(declared(l));
        });
      }
    });
  }
});
