import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { readTreeBuild, type TreeFile } from "../../src/load/include-paths.js";
import { btfStruct, CLANG, HAVE_BPFTOOL, HAVE_CLANG } from "../check/repo.js";
import { HAVE_CLI, runCli } from "../cli/run.js";

// Each fixture under fixtures/include-paths keeps a BPF program's headers
// where only its build names them: a Makefile's INCLUDES, a
// compile_commands.json entry, a bpf2go line with -cflags from the Makefile
// that runs go generate, conventional folders above the file, a folder no
// build file names at all. The finder's directories are right when clang,
// given only them (-nostdinc), compiles the program, and needed when clang
// without them does not. check then reads the program's map with the value
// size bpftool reads from clang's object, and notes no missing header.

const FIXTURES = "fixtures/include-paths";
const CASES = [
  ["makefile-flags", "src/probe.bpf.c", "event_arch"],
  ["compile-db", "src/probe.bpf.c", "sample"],
  ["conventional", "src/net/probe.bpf.c", "task_info"],
  ["tree-copy", "src/probe.bpf.c", "sock_info"],
  ["bpf2go-cflags", "probe/probe.c", "record"],
] as const;

function treeFiles(root: string): TreeFile[] {
  const out: TreeFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: p, kind: /\.[ch]$/.test(name) ? "c" : name.endsWith(".go") ? "go" : "other", bytes: readFileSync(p) });
    }
  };
  walk(root);
  return out;
}

function clang(file: string, flags: string[], out: string): { status: number; stderr: string } {
  const r = spawnSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-nostdinc", ...flags, "-c", file, "-o", out], { encoding: "utf8" });
  return { status: r.status ?? -1, stderr: r.stderr };
}

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("include paths as the build finds them (needs clang-16 and bpftool)", () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "abidrift-includes-"));
    cpSync(FIXTURES, root, { recursive: true });
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.each(CASES)("%s: clang compiles %s with the directories found, and not without them", (name, file, type) => {
    const dir = join(root, name);
    const src = join(dir, file);
    const flags = readTreeBuild(treeFiles(dir), dir).flagsFor(src, readFileSync(src, "utf8"));
    const words = [...flags.includeDirs.map((d) => `-I${d}`), ...Object.entries(flags.defines).map(([k, v]) => `-D${k}=${v}`)];
    const obj = join(dir, "probe.o");
    expect(clang(src, [], obj).status).not.toBe(0);
    expect(clang(src, words, obj)).toEqual({ status: 0, stderr: "" });
    expect(btfStruct(obj, type).size).toBeGreaterThan(0);
    rmSync(obj);
  });

  it("takes $BPF2GO and -cflags $BPF_CFLAGS from the Makefile that runs go generate, with its -D", () => {
    const dir = join(root, "bpf2go-cflags");
    const build = readTreeBuild(treeFiles(dir), dir);
    expect(build.bpf2go.lines.map((l) => ({ ident: l.ident, source: relative(dir, l.source), includeDirs: l.includeDirs.map((d) => relative(dir, d)), defines: l.defines }))).toEqual([
      { ident: "probe", source: "probe/probe.c", includeDirs: ["api", "probe/hdr"], defines: { WITH_TS: "1" } },
      { ident: "probeDebug", source: "probe/probe.c", includeDirs: ["api", "probe/hdr"], defines: { WITH_TS: "1", BPF_DEBUG: "1" } },
    ]);
  });

  it("finds a source rooted in a variable the tree does not set ($REPO_ROOT/...) in the folder above that holds it", () => {
    const bytes = (t: string) => new TextEncoder().encode(t);
    const files: TreeFile[] = [
      { path: "/r/bpf/profiling/offcpu.c", kind: "c", bytes: bytes("int x;\n") },
      { path: "/r/pkg/profiling/offcpu/runner.go", kind: "go", bytes: bytes("package offcpu\n\n//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -target bpfel bpf $REPO_ROOT/bpf/profiling/offcpu.c -- -I$REPO_ROOT/bpf/include\n") },
      // A file of that name nearer the Go file, but not under the path the line gives: not it.
      { path: "/r/pkg/profiling/offcpu.c", kind: "c", bytes: bytes("int y;\n") },
    ];
    const build = readTreeBuild(files, "/r");
    expect(build.bpf2go.lines.map((l) => l.source)).toEqual(["/r/bpf/profiling/offcpu.c"]);
  });

  it("takes a Makefile's -I flags through its variables, $(ARCH) as the arch folder there is", () => {
    const dir = join(root, "makefile-flags");
    // No includes in the text: only what the Makefile names, no copy found in the tree.
    const flags = readTreeBuild(treeFiles(dir), dir).flagsFor(join(dir, "src/probe.bpf.c"), "");
    expect(flags.includeDirs.map((d) => relative(dir, d))).toEqual(["third_party/libbpf/include", "inc", "arch/x86"]);
  });

  it.each(CASES)("%s: check reads the map of %s with clang's value size and notes no missing header", async (name, file, type) => {
    const dir = join(root, name);
    const src = join(dir, file);
    const flags = readTreeBuild(treeFiles(dir), dir).flagsFor(src, readFileSync(src, "utf8"));
    const obj = join(mkdtempSync(join(tmpdir(), "abidrift-includes-obj-")), "probe.o");
    clang(src, [...flags.includeDirs.map((d) => `-I${d}`), ...Object.entries(flags.defines).map(([k, v]) => `-D${k}=${v}`)], obj);
    const r = await check({ paths: [dir], lock: false });
    expect(r.notes.filter((n) => /not found|missing ;/.test(n))).toEqual([]);
    const maps = r.bpf.flatMap((m) => m.maps);
    expect(maps.map((m) => [m.name, m.valueSize])).toEqual([["seen", btfStruct(obj, type).size]]);
  });
});

describe("the flags of the folders above a program", () => {
  it("are the nearest Makefile's first, its -D winning, then the conventional folders nearest first; siblings each get their own", () => {
    const root = mkdtempSync(join(tmpdir(), "abidrift-nested-makefiles-"));
    try {
      const put = (path: string, text = ""): void => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      put("Makefile", "CFLAGS := -Ishared -DLEVEL=top -DTOP=1\n");
      put("shared/x.h");
      put("include/x.h");
      for (const prog of ["a", "b"]) {
        put(`progs/${prog}/Makefile`, `CFLAGS := -I${prog}-inc -DLEVEL=${prog}\n`);
        put(`progs/${prog}/${prog}-inc/x.h`);
        put(`progs/${prog}/headers/x.h`);
        put(`progs/${prog}/probe.bpf.c`, "int x;\n");
      }
      const build = readTreeBuild(treeFiles(root), root);
      for (const prog of ["a", "b"]) {
        const flags = build.flagsFor(join(root, `progs/${prog}/probe.bpf.c`), "int x;\n");
        expect(flags.includeDirs.map((d) => relative(root, d))).toEqual([`progs/${prog}/${prog}-inc`, "shared", `progs/${prog}/headers`, "include"]);
        expect(flags.defines).toEqual({ LEVEL: prog, TOP: "1" });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAVE_CLI)("a missing header (needs `npm run build`)", () => {
  it("is one note naming it, the rest is still read, and a header-only file is no error", async () => {
    const root = mkdtempSync(join(tmpdir(), "abidrift-missing-"));
    try {
      cpSync(join(FIXTURES, "missing-header"), root, { recursive: true });
      const r = runCli(["check", ".", "--no-lock", "--format", "json"], { cwd: root });
      expect(r.status).toBe(0);
      const notes = r.stderr.split("\n").filter((l) => l.includes("not found"));
      expect(notes.filter((l) => l.includes("header vmlinux.h not found"))).toHaveLength(1);
      expect(notes.filter((l) => l.includes("header bpf_helpers.h not found"))).toHaveLength(1);
      expect(notes).toHaveLength(2);
      expect(r.stderr).not.toMatch(/missing ;/);
      const read = await check({ paths: [root], lock: false });
      expect(read.bpf.flatMap((m) => m.maps.map((x) => x.name)).sort()).toEqual(["counts_a", "counts_b"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
