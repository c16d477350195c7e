import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG } from "./check/repo.js";

// The bundled example says, in its README, which findings it plants; check
// must give exactly those. Its committed object must be what its C builds to.

const DIR = "examples/dns-monitor";

function planted(): string[] {
  const readme = readFileSync(join(DIR, "README.md"), "utf8");
  const list = /<!-- findings -->\n([\s\S]*?)<!-- \/findings -->/.exec(readme);
  if (!list) throw new Error(`${DIR}/README.md: no findings list`);
  return list[1]!.trim().split("\n").map((l) => l.replace(/^- /, "")).sort();
}

describe("the bundled example", () => {
  it("gives exactly the findings its README plants", async () => {
    const r = await check({ paths: [DIR] });
    const got = r.findings.map((f) => `${f.code} ${relative(DIR, f.locations[0]!.file)}`).sort();
    expect(got).toEqual(planted());
  });

  it.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("commits the object its C builds to (needs clang-16 and bpftool)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "abidrift-example-")), "dnsmon.bpf.o");
    execFileSync("make", ["-s", "-C", DIR, `BPF_OBJ=${out}`], { stdio: "pipe" });
    const dump = (o: string): string => execFileSync("bpftool", ["btf", "dump", "file", o], { encoding: "utf8" });
    expect(dump(out)).toBe(dump(join(DIR, "bpf/dnsmon.bpf.o")));
  });
});
