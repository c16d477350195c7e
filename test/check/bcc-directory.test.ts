import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";

// BCC tools sit side by side in /usr/sbin with no extension. Both tools
// below declare a table called `latency` with different key types, so a
// check that pairs a tool's Python with its neighbour's C reports a key size
// the tool never uses.
const TOOLS = ["/usr/sbin/tcprtt-bpfcc", "/usr/sbin/dbstat-bpfcc"];
const HAVE_TOOLS = TOOLS.every(existsSync);

describe.skipIf(!HAVE_TOOLS)("BCC tools in one directory (skipped without bpfcc-tools)", () => {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-bcc-dir-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds extensionless Python tools and pairs each table with the tool's own C", async () => {
    for (const t of TOOLS) copyFileSync(t, join(dir, t.split("/").pop()!));
    const result = await check({ paths: [dir] });
    expect(result.files.user).toBe(TOOLS.length);
    const latency = result.pairs.filter((p) => JSON.stringify(p).includes("latency"));
    expect(latency.length).toBeGreaterThan(0);
    expect(result.findings.map((f) => `${f.code} ${f.locations[0]?.file}:${f.locations[0]?.line}`)).toEqual([]);
  });
});
