// Notes say which inputs were read in part. A few are worth reading one by
// one; a tree of many (81 on /usr/sbin) gets one counted line on stderr,
// and --verbose lists them all.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";

const HALF = (i: number) => `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct half${i} { int x;
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
} counts${i} SEC(".maps");
`;

describe.skipIf(!HAVE_CLI)("notes on stderr (skipped until `npm run build`)", () => {
  it("counts many notes in one line, and --verbose lists each", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-notes-"));
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `half${i}.bpf.c`), HALF(i));
    const quiet = runCli(["check", "."], { cwd: dir });
    expect(quiet.status).toBe(0);
    const lines = quiet.stderr.trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^abidrift: 5 notes on inputs read in part .*--verbose lists them$/)]);
    const verbose = runCli(["check", ".", "--verbose"], { cwd: dir });
    expect(verbose.stderr.trim().split("\n").filter((l) => l.startsWith("abidrift: note: half"))).toHaveLength(5);
  });
});
