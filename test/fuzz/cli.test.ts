// A seeded sample of mutated objects through the CLI (`layout`, `maps`,
// `check`, `gen ts`): each run ends in exit 0, or in exit 2 with exactly one
// stderr line naming the file, within a time bound (the subprocess is
// killed past it).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, ROOT, runCli } from "../cli/run.js";
import { scratchDir } from "../readers/btf/compile.js";
import { freshSeed } from "../readers/btf/random-structs.js";
import { elfParts } from "./elf-layout.js";
import { mutants } from "./mutate.js";

const SEED = freshSeed();
const SAMPLE = 10;

describe.skipIf(!HAVE_CLI)(`mutated objects through the CLI (seed ${SEED}; skipped until \`npm run build\` has made dist/)`, () => {
  for (const seed of [3, SEED]) {
    it(`seed ${seed}: exit 0, or exit 2 with one line`, () => {
      const dir = scratchDir("cli-fuzz");
      const input = readFileSync(`${ROOT}fixtures/objects/dns_key.bpfel.o`);
      const e = elfParts(input);
      const btf = e.sections.find((s) => s.name === ".BTF")!;
      const boundaries = [0, 18, 64, e.shoff, ...e.sections.flatMap((s) => [s.offset, s.offset + s.size])];
      const regions = [
        { name: "ELF header", start: 0, end: 64 },
        { name: "section headers", start: e.shoff, end: e.shoff + e.shnum * 64 },
        { name: ".BTF", start: btf.offset, end: btf.offset + btf.size },
      ];
      const problems: string[] = [];
      mutants(seed, input, boundaries, regions, SAMPLE).forEach((m, i) => {
        // Each command names the file as it was given: relative, from the mutant's directory.
        const name = `mutant-${i}.o`;
        writeFileSync(join(dir, name), m.bytes);
        for (const args of [["layout", name], ["maps", name], ["check", name], ["gen", "ts", name, "--type", "dns_event"]]) {
          const command = args.filter((a) => a !== name).join(" ");
          const r = runCli(args, { cwd: dir, timeoutMs: 20_000 });
          if (r.status === 0 && r.stderr === "") continue;
          const problem = badInputProblem(r, name);
          if (problem) problems.push(`seed ${seed} case ${i} (${m.what}) ${command}: ${problem}`);
        }
      });
      expect(problems.join("\n")).toBe("");
    });
  }
});
