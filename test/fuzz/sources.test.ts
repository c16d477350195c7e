import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, ROOT, runCli } from "../cli/run.js";
import { freshSeed, rng } from "../oracles/random.js";
import { scratchDir } from "../readers/btf/compile.js";

// A fast sample of the source fuzzing of scripts/fuzz.mjs (`npm run fuzz --
// --count N` for long runs): mutated C, Go, Python and TypeScript sources
// and lock and config files, each ending in a result or an input error.
// A few of the same mutants go through the CLI itself too, where each must
// end in exit 0, or exit 2 with one line, within the time bound.

const SEED = freshSeed();

describe.skipIf(!HAVE_CLI)(`mutated sources (seed ${SEED}; skipped until \`npm run build\` has made dist/)`, () => {
  it("every reader, 15 mutants each, in one process: no crash", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/fuzz.mjs"), "--count", "15", "--seed", String(SEED)], { encoding: "utf8", timeout: 240_000 });
    expect(r.stdout).toMatch(/^c: 15 mutants/m);
    expect(r.stdout).toMatch(/^config: 15 mutants/m);
    expect({ status: r.status, crashes: r.stdout.split("\n").filter((l) => l.startsWith("  ")) }).toEqual({ status: 0, crashes: [] });
  });

  it("through the CLI: layout of mutated C, Go and Python, check with a mutated lock and config", async () => {
    const { mutate } = (await import(join(ROOT, "scripts/fuzz.mjs"))) as { mutate: (text: string, r: () => number) => { what: string; text: string } };
    const r = rng(SEED);
    const dir = scratchDir("source-fuzz");
    const problems: string[] = [];
    const cases: [string, string, (name: string) => string[]][] = [
      ["fixtures/c/bitfields.h", "m.h", (n) => ["layout", n]],
      ["fixtures/go/types/layouts.go", "m.go", (n) => ["layout", n]],
      ["fixtures/python/ctypes_forms.py", "m.py", (n) => ["layout", n]],
    ];
    for (const [from, name, args] of cases) {
      for (let i = 0; i < 2; i++) {
        const m = mutate(readFileSync(join(ROOT, from), "latin1"), r);
        writeFileSync(join(dir, name), m.text, "latin1");
        const out = runCli(args(name), { cwd: dir, timeoutMs: 30_000 });
        if (out.status === 0) continue;
        const problem = badInputProblem({ ...out, stderr: out.stderr.split("\n").filter((l) => !l.startsWith("abidrift: warning:")).join("\n") }, name);
        if (problem) problems.push(`${from} case ${i} (${m.what}): ${problem}`);
      }
    }
    for (const [from, name] of [
      ["fixtures/check/drift-clean/abidrift.lock.json", "abidrift.lock.json"],
      ["fixtures/fuzz/abidrift.config.json", "abidrift.config.json"],
    ] as const) {
      const repo = join(dir, `repo-${name}`);
      mkdirSync(repo, { recursive: true });
      writeFileSync(join(repo, "dns_key.bpf.c"), readFileSync(join(ROOT, "fixtures/check/dns-key/dns_key.bpf.c")));
      const m = mutate(readFileSync(join(ROOT, from), "latin1"), r);
      writeFileSync(join(repo, name), m.text, "latin1");
      const out = runCli(["check", "."], { cwd: repo, timeoutMs: 30_000 });
      if (out.status === 0 || out.status === 1) continue;
      const problem = badInputProblem({ ...out, stderr: out.stderr.split("\n").filter((l) => !l.startsWith("abidrift: warning:")).join("\n") }, "");
      if (problem) problems.push(`${from} (${m.what}): ${problem}`);
    }
    expect(problems.join("\n")).toBe("");
  });
});
