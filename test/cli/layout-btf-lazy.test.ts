// `layout` of C reads the BTF given with --btf (by default the kernel's)
// only when the source leaves a name unresolved: C that defines what it lays
// out never opens it, so a corrupt BTF file shows only where it is needed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, runCli } from "./run.js";

describe.skipIf(!HAVE_CLI)("layout of C with --btf (skipped until `npm run build` has made dist/)", () => {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-lazy-btf-"));
  const corrupt = join(dir, "corrupt.btf");
  writeFileSync(corrupt, Buffer.from([0x9f, 0xeb, 0x01, 0x00]));

  it("does not read the BTF for C that defines every type it lays out", () => {
    const src = join(dir, "self_contained.c");
    writeFileSync(src, "struct pair { unsigned int a; unsigned long long b; };\n");
    const r = runCli(["layout", src, "--btf", corrupt]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("struct pair {");
  });

  it("reads it for a type the source only declares, and names it when it is bad", () => {
    const src = join(dir, "needs_kernel.c");
    writeFileSync(src, "struct list_head;\nstruct event { unsigned int pid; struct list_head node; };\n");
    expect(badInputProblem(runCli(["layout", src, "--btf", corrupt]), corrupt)).toBe("");
  });
});
