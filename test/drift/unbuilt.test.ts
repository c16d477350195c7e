// A tree that has a program only as C source, against a lock snapshotted
// from its object: libbpf's global-section maps (exec.bss) come from the
// object, so check and diff keep them as the lock has them and say so in a
// note, instead of reporting them gone; once the object is built, its
// sections are compared again. The lock is fixtures/check/drift-clean's,
// which test/drift/fixtures.test.ts holds to clang's object.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileBpf, HAVE_CLANG } from "../check/repo.js";
import { HAVE_CLI, ROOT, runCli } from "../cli/run.js";
import { HAVE_READELF, READELF } from "../readers/btf/sections.js";

const NOTE = /^abidrift: note: exec\.bss: global-section map kept as abidrift\.lock\.json has it; .*build it to compare$/m;

function copy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "abidrift-unbuilt-")), "exec");
  cpSync(`${ROOT}fixtures/check/drift-clean`, dir, { recursive: true });
  return dir;
}

const lockedMaps = (dir: string): string[] => (JSON.parse(readFileSync(join(dir, "abidrift.lock.json"), "utf8")) as { maps: { name: string }[] }).maps.map((m) => m.name);

describe.skipIf(!HAVE_CLI)("global-section maps of a program read from source alone (skipped until `npm run build`)", () => {
  it("check keeps exec.bss from the lock, with a note, and exits 0", () => {
    const r = runCli(["check", "."], { cwd: copy() });
    expect([r.status, r.stdout]).toEqual([0, expect.stringContaining("no problems")]);
    expect(r.stderr).toMatch(NOTE);
  });

  it("check --update-lock leaves exec.bss in the lock", () => {
    const dir = copy();
    const before = lockedMaps(dir);
    expect(before).toContain("exec.bss");
    expect(runCli(["check", ".", "--update-lock"], { cwd: dir }).status).toBe(0);
    expect(lockedMaps(dir)).toEqual(before);
  });

  it("diff from the lock to the source keeps it too", () => {
    const dir = copy();
    const r = runCli(["diff", "abidrift.lock.json", "exec.bpf.c"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(NOTE);
  });

  it("a program gone from the tree takes its global-section maps with it", () => {
    const dir = copy();
    writeFileSync(join(dir, "other.bpf.c"), readFileSync(join(dir, "exec.bpf.c"), "utf8").replace(/\bexecs\b/g, "other_execs").replace(/\bevents\b/g, "other_events"));
    rmSync(join(dir, "exec.bpf.c"));
    const r = runCli(["check", "."], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/map exec\.bss .* is gone/);
    expect(r.stderr).not.toMatch(NOTE);
  });

  it.skipIf(!HAVE_CLANG || !HAVE_READELF)("once the object is built, its .bss is compared again (needs clang-16 and llvm-readelf-16)", () => {
    const dir = copy();
    const src = join(dir, "exec.bpf.c");
    writeFileSync(src, readFileSync(src, "utf8").replace("const struct exec_event *unused_exec_event", "__u32 grown[3];\nconst struct exec_event *unused_exec_event"));
    compileBpf(src, join(dir, "exec.bpf.o"));
    // Both sizes from the tools: the lock's from clang's object when it was written, the new one from llvm-readelf.
    const locked = (JSON.parse(readFileSync(join(dir, "abidrift.lock.json"), "utf8")) as { maps: { name: string; valueSize: number }[] }).maps.find((m) => m.name === "exec.bss")!.valueSize;
    const sections = execFileSync(READELF, ["-S", "-W", join(dir, "exec.bpf.o")], { encoding: "utf8" });
    const grown = parseInt(/\s\.bss\s+NOBITS\s+\w+\s+\w+\s+(\w+)/.exec(sections)![1]!, 16);
    expect(grown).toBeGreaterThan(locked);
    const r = runCli(["check", "."], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`map exec\\.bss: value changed from .*\\b${locked} bytes.* to .*\\b${grown} bytes`));
    expect(r.stderr).not.toMatch(NOTE);
  });
});
