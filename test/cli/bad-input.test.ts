import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, badInputProblem, runCli } from "./run.js";

// Inputs that are not files to read end in one line and exit 2, each before
// anything is read: a FIFO or a device would block a read for ever (a FIFO
// is opened only without waiting for a writer), a file past the size limit
// would grow a parse tree past memory.

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "abidrift-bad-"));
  execFileSync("mkfifo", [join(dir, "pipe.c")]);
  symlinkSync(join(dir, "loop-b.h"), join(dir, "loop-a.h"));
  symlinkSync(join(dir, "loop-a.h"), join(dir, "loop-b.h"));
  writeFileSync(join(dir, "big.h"), "");
  truncateSync(join(dir, "big.h"), 65 * 1024 * 1024);
  mkdirSync(join(dir, "empty"));
});

describe.skipIf(!HAVE_CLI)("bad input is one line and exit 2 (skipped until `npm run build` has made dist/)", () => {
  for (const command of ["layout", "check"]) {
    it(`${command} of a FIFO refuses it without waiting for a writer`, () => {
      const r = runCli([command, "pipe.c"], { cwd: dir, timeoutMs: 20_000 });
      expect(badInputProblem(r, "pipe.c")).toBe("");
      expect(r.stderr).toContain("is a FIFO, not a regular file or directory");
    });

    it(`${command} of a symbolic link loop says so in words`, () => {
      const r = runCli([command, "loop-a.h"], { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^abidrift: loop-a\.h.*: symbolic links loop back on themselves$/)]);
    });

    it(`${command} of a file over the size limit names the limit and how to raise it`, () => {
      const r = runCli([command, "big.h"], { cwd: dir });
      expect(badInputProblem(r, "big.h")).toBe("");
      expect(r.stderr).toContain("over the 64 MiB input limit (set ABIDRIFT_MAX_INPUT_MB to raise it)");
    });
  }

  it("layout of a character device refuses it", () => {
    const r = runCli(["layout", "/dev/zero"], { timeoutMs: 20_000 });
    expect(badInputProblem(r, "/dev/zero")).toBe("");
  });

  it("ABIDRIFT_MAX_INPUT_MB lowers the limit", () => {
    process.env.ABIDRIFT_MAX_INPUT_MB = "0.0001";
    try {
      const r = runCli(["layout", "fixtures/c/bitfields.h"]);
      expect(badInputProblem(r, "fixtures/c/bitfields.h")).toBe("");
    } finally {
      delete process.env.ABIDRIFT_MAX_INPUT_MB;
    }
  });

  it("check of a directory with no BPF input fails, so a gate pointed at the wrong path fails", () => {
    const r = runCli(["check", "empty"], { cwd: dir });
    expect(badInputProblem(r, "empty")).toBe("");
    expect(r.stderr).toContain("no BPF input found");
  });
});
