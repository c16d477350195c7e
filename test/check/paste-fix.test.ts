import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";

// A fix is the text to write: pasted at its location, in place of the type
// the finding names, the check comes out clean.

const FIXTURE = "fixtures/check/bcc-paste-fix";

describe("fixes a user can paste", () => {
  it("give the ctypes type to write, spelled as the file imports ctypes, and writing it makes the check clean", async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-paste-"));
    cpSync(FIXTURE, dir, { recursive: true });
    const before = await check({ paths: [dir], lock: false });
    const fixes = before.findings.map((f) => ({ file: f.fix!.loc!.file.replace(/.*\//, ""), text: f.fix!.text }));
    expect(fixes.sort((a, b) => a.file.localeCompare(b.file))).toEqual([
      { file: "aliased.py", text: "ct.c_uint64" },
      { file: "star.py", text: "c_uint64" },
    ]);
    for (const f of before.findings) {
      const at = f.fix!.loc!;
      const lines = readFileSync(at.file, "utf8").split("\n");
      const line = lines[at.line! - 1]!;
      const start = at.column! - 1;
      // The type the finding names is the callee at the fix's column: `ct.c_int(1)`.
      const end = line.indexOf("(", start);
      lines[at.line! - 1] = line.slice(0, start) + f.fix!.text! + line.slice(end);
      writeFileSync(at.file, lines.join("\n"));
    }
    const after = await check({ paths: [dir], lock: false });
    expect(after.findings).toEqual([]);
  });
});
