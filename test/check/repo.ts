import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

// Fixture repositories for check tests: a temporary copy of fixtures/check
// with every BPF C file compiled by clang beside its source, as a bpf2go or
// libbpf project commits them. Nothing here is a hand-written expectation.

export const CLANG = "clang-16";
export const hasTool = (tool: string, arg = "--version"): boolean => spawnSync(tool, [arg], { stdio: "ignore" }).status === 0;
export const HAVE_CLANG = hasTool(CLANG);
export const HAVE_BPFTOOL = hasTool("bpftool", "version");
const MULTIARCH = (() => {
  try {
    return execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();
  } catch {
    return "x86_64-linux-gnu";
  }
})();

export function compileBpf(src: string, out: string): void {
  execFileSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", src, "-o", out, `-I/usr/include/${MULTIARCH}`], { stdio: "pipe" });
}

/**
 * A copy of fixtures/check with objects built; returns its root. A fixture's
 * `x.bpf.was.c` is the source `x.bpf.o` was built from before `x.bpf.c`
 * changed: it is compiled in its place and then removed, as a stale build
 * leaves a tree.
 */
export function fixtureRepo(): string {
  const root = mkdtempSync(join(tmpdir(), "abidrift-check-"));
  cpSync("fixtures/check", root, { recursive: true });
  for (const dir of readdirSync(root)) {
    if (!statSync(join(root, dir)).isDirectory()) continue;
    const files = readdirSync(join(root, dir));
    for (const f of files) {
      const was = join(root, dir, f.replace(/\.c$/, ".was.c"));
      if (f.endsWith(".bpf.c") && !f.endsWith(".was.c") && !files.includes(basename(was))) compileBpf(join(root, dir, f), join(root, dir, f.replace(/\.c$/, ".o")));
      if (f.endsWith(".bpf.was.c")) {
        compileBpf(join(root, dir, f), join(root, dir, f.replace(/\.was\.c$/, ".o")));
        rmSync(join(root, dir, f));
      }
    }
  }
  return root;
}

/** bpftool's view of a struct in an object: its size and each member's byte offset. */
export function btfStruct(object: string, name: string): { size: number; members: Map<string, number> } {
  const dump = execFileSync("bpftool", ["btf", "dump", "file", object], { encoding: "utf8" });
  const lines = dump.split("\n");
  const at = lines.findIndex((l) => new RegExp(`STRUCT '${name}' size=\\d+`).test(l));
  if (at < 0) throw new Error(`bpftool: no struct ${name} in ${object}`);
  const size = Number(/size=(\d+)/.exec(lines[at]!)![1]);
  const members = new Map<string, number>();
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith("\t"); i++) {
    const m = /'(\w+)' type_id=\d+ bits_offset=(\d+)/.exec(lines[i]!);
    if (m) members.set(m[1]!, Number(m[2]) / 8);
  }
  return { size, members };
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i + 1;
}
