import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// vitest's global setup: every temporary file of a run goes under one
// folder, removed when the run ends. The tests make thousands (a clang
// build, an object, a tree each), and a machine that ran the suite a few
// dozen times held eight thousand of them in /tmp. os.tmpdir() reads
// TMPDIR on each call, the test processes start after this, and the
// compilers and tools they start read it too.

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-tests-"));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
