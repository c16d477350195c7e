// The committed locks of fixtures/check/drift-* are what `abidrift snapshot`
// gives for their C as it was before the edit each one shows: the C is put
// back (`// lock: X` lines read X, `// lock: -` lines go), compiled by clang,
// and snapshotted here. A lock typed or edited by hand fails.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileBpf, HAVE_CLANG } from "../check/repo.js";
import { parseLock, relativeTo } from "../../src/drift/lock.js";
import { loadSide } from "../../src/drift/sides.js";

const FIXTURES = "fixtures/check";
const dirs = readdirSync(FIXTURES).filter((d) => d.startsWith("drift-"));

/** The C as it was when the lock was written. */
function asLocked(text: string): string {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /\/\/ lock: (.*)$/.exec(line);
    if (!m) out.push(line);
    else if (m[1] !== "-") out.push(m[1]!);
  }
  return out.join("\n");
}

describe.skipIf(!HAVE_CLANG)("drift fixtures: each lock is the snapshot of its C before the edit (needs clang-16)", () => {
  it("there are drift fixtures, and each but the clean one says what changed", () => {
    expect(dirs.length).toBeGreaterThanOrEqual(3);
    for (const d of dirs.filter((d) => d !== "drift-clean")) expect(readFileSync(join(FIXTURES, d, "exec.bpf.c"), "utf8")).toMatch(/\/\/ lock: /);
  });

  it.each(dirs)("%s", async (d) => {
    const dir = join(mkdtempSync(join(tmpdir(), "abidrift-lockfix-")), d);
    mkdirSync(dir);
    const names = readdirSync(join(FIXTURES, d)).filter((f) => f.endsWith(".bpf.c"));
    for (const f of names) {
      writeFileSync(join(dir, f), asLocked(readFileSync(join(FIXTURES, d, f), "utf8")));
      compileBpf(join(dir, f), join(dir, f.replace(/\.c$/, ".o")));
    }
    const side = await loadSide(dir);
    const committed = join(FIXTURES, d, "abidrift.lock.json");
    expect(relativeTo(side.snapshot.lock, dir)).toEqual(parseLock(readFileSync(committed, "utf8"), committed));
  });
});
