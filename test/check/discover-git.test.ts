import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { discover } from "../../src/check/discover.js";

// Which files a check reads: in a git work tree git's list, which leaves out
// what .gitignore hides; outside one, a walk, without starting a git that
// can only fail (one program's check outside a repository used to wait for
// that process). A stand-in `git` first on PATH tells whether git was run.

const HAVE_GIT = spawnSync("git", ["--version"], { stdio: "ignore" }).status === 0;
const saved = { PATH: process.env.PATH, GIT_DIR: process.env.GIT_DIR };

afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.GIT_DIR === undefined) delete process.env.GIT_DIR;
  else process.env.GIT_DIR = saved.GIT_DIR;
});

/** A tree of two C files, one of them named in a .gitignore. */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-discover-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/prog.bpf.c"), "int x;\n");
  writeFileSync(join(dir, "src/scratch.c"), "int y;\n");
  writeFileSync(join(dir, ".gitignore"), "scratch.c\n");
  return dir;
}

/** Puts a `git` first on PATH that records each run in the file returned, then fails. */
function standInGit(): string {
  const bin = mkdtempSync(join(tmpdir(), "abidrift-fake-git-"));
  const ran = join(bin, "ran");
  writeFileSync(join(bin, "git"), `#!/bin/sh\necho "$@" >> '${ran}'\nexit 128\n`);
  chmodSync(join(bin, "git"), 0o755);
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ""}`;
  return ran;
}

const found = async (dir: string) => (await discover([dir], { include: [], exclude: [], base: dir })).files.map((f) => f.path.split(/[\\/]/).slice(-2).join("/")).sort();

describe.skipIf(process.platform === "win32")("discover: git or a walk", () => {
  it("outside a work tree, walks without starting git", async () => {
    const dir = tree();
    const ran = standInGit();
    expect(await found(dir)).toEqual(["src/prog.bpf.c", "src/scratch.c"]);
    expect(existsSync(ran)).toBe(false);
  });

  it("with GIT_DIR set, asks git, and walks when it fails", async () => {
    const dir = tree();
    const ran = standInGit();
    process.env.GIT_DIR = join(dir, "elsewhere.git");
    expect(await found(dir)).toEqual(["src/prog.bpf.c", "src/scratch.c"]);
    expect(existsSync(ran)).toBe(true);
  });

  it.skipIf(!HAVE_GIT)("in a work tree, from a folder below its top, takes git's list", async () => {
    const dir = tree();
    execFileSync("git", ["init", "-q", dir]);
    expect(await found(join(dir, "src"))).toEqual(["src/prog.bpf.c"]);
  });
});
