import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { fixtureRepo, HAVE_CLANG } from "./repo.js";

// `--concurrency`: parsing C and Go on worker threads gives the report one
// thread gives, byte for byte, exit code and notes included. Every fixture
// repository in one check is well over the 48 files to parse from which
// `auto` starts threads, and holds BCC tools, bpf2go builds, stale objects,
// half-written C, headers not found and Go packages of several files: each
// kind of answer crosses a thread.

const MODES = ["off", "1", "3", "auto"] as const;

function checkEach(root: string, extra: string[] = []): Map<string, { status: number | null; stdout: string; stderr: string }> {
  const out = new Map<string, { status: number | null; stdout: string; stderr: string }>();
  for (const mode of MODES) out.set(mode, runCli(["check", ".", "--format", "json", "--verbose", "--no-lock", "--concurrency", mode, ...extra], { cwd: root, timeoutMs: 300_000 }));
  return out;
}

function expectSame(runs: Map<string, { status: number | null; stdout: string; stderr: string }>): void {
  const off = runs.get("off")!;
  // The fixtures plant errors: a check that found nothing compared nothing.
  expect(off.status).toBe(1);
  expect((JSON.parse(off.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(20);
  for (const [mode, r] of runs) {
    expect({ mode, status: r.status, stderr: r.stderr }).toEqual({ mode, status: off.status, stderr: off.stderr });
    expect(r.stdout, mode).toBe(off.stdout);
  }
}

describe.skipIf(!HAVE_CLI)("check --concurrency (needs `npm run build`)", () => {
  it("reads the fixture sources on threads as on one thread", () => {
    const root = mkdtempSync(join(tmpdir(), "abidrift-threads-src-"));
    cpSync("fixtures/check", root, { recursive: true });
    expectSame(checkEach(root));
  }, 600_000);

  it.skipIf(!HAVE_CLANG)("reads the fixtures with their objects built on threads as on one thread (needs clang-16)", () => {
    expectSame(checkEach(fixtureRepo()));
  }, 600_000);

  it("refuses a count it cannot use with exit 2, saying why on the first line", () => {
    for (const bad of ["0", "-1", "two", "65", "1.5"]) {
      const r = runCli(["check", ".", "--concurrency", bad]);
      expect({ bad, status: r.status }).toEqual({ bad, status: 2 });
      expect(r.stderr.split("\n")[0]).toContain(`--concurrency takes auto, off or a number of threads from 1 to 64, not "${bad}"`);
    }
  });
});
