import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, runCli } from "./run.js";

// The input size limit covers the headers a C file includes, checked before
// a byte of them is read: `layout` of the file is one line naming the header,
// the limit and how to raise it, exit 2; `check` notes the one program that
// includes it and reads the rest (one file that cannot be read never stops a run).
// The header is a sparse 200 MiB file: made in no time, never read.

const dir = mkdtempSync(join(tmpdir(), "abidrift-bighdr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SEC = '#define SEC(x) __attribute__((section(x), used))\n';
mkdirSync(join(dir, "inc"));
mkdirSync(join(dir, "tree"));
writeFileSync(join(dir, "inc", "big.h"), "");
truncateSync(join(dir, "inc", "big.h"), 200 * 1024 * 1024);
writeFileSync(join(dir, "tree", "prog.bpf.c"), `${SEC}#include "../inc/big.h"\nstruct ev { int a; };\nstruct { int type; struct ev *value; } events SEC(".maps");\n`);
writeFileSync(join(dir, "tree", "other.bpf.c"), `${SEC}struct ok { int a; };\nstruct { int type; struct ok *value; } okmap SEC(".maps");\n`);

describe.skipIf(!HAVE_CLI)("an included header over the input limit (skipped until `npm run build` has made dist/)", () => {
  it("layout: one line naming the header, the limit and how to raise it, exit 2, in bounded time", () => {
    const r = runCli(["layout", "tree/prog.bpf.c"], { cwd: dir, timeoutMs: 20_000 });
    expect(badInputProblem(r, "inc/big.h")).toBe("");
    expect(r.stderr.trim()).toBe("abidrift: inc/big.h: is 200 MiB, over the 64 MiB input limit (set ABIDRIFT_MAX_INPUT_MB to raise it); included from tree/prog.bpf.c:2");
  });

  it("check: a note names the header and its includer, and the other program is still read", () => {
    const r = runCli(["check", "tree", "--no-lock"], { cwd: dir, timeoutMs: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/note: inc\/big\.h: is 200 MiB, over the 64 MiB input limit \(set ABIDRIFT_MAX_INPUT_MB to raise it\); included from tree\/prog\.bpf\.c:2/);
    expect(r.stdout).toMatch(/1 BPF input/);
  });
});
