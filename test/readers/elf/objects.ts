// Objects for the ELF tests, compiled by clang in the test run: a fixed
// BPF program and seeded random C translation units (globals, functions,
// custom sections, externs) for every class and byte order clang targets.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLANG } from "./readelf.js";
import { rng, freshSeed } from "../../oracles/random.js";
export { rng, freshSeed };

/** Each target and what it covers. */
export const TARGETS = {
  bpfel: "BPF, ELF64 little-endian",
  bpfeb: "BPF, ELF64 big-endian",
  "x86_64-linux-gnu": "ELF64 little-endian host",
  "powerpc64-linux-gnu": "ELF64 big-endian host",
  "i386-linux-gnu": "ELF32 little-endian",
  "armv7a-linux-gnueabihf": "ELF32 little-endian, ARM-specific section types",
  "mips-linux-gnu": "ELF32 big-endian",
} as const;
export type Target = keyof typeof TARGETS;

/** A BPF program with a map, a license, .bss, .rodata, a custom program section and an extern. */
export const BPF_PROGRAM = `
#define SEC(n) __attribute__((section(n), used))
struct { int type; int key_size; int value_size; int max_entries; } events SEC(".maps");
struct event { unsigned int pid; unsigned long long ts; char comm[16]; } __attribute__((aligned(8)));
struct event last;
static const char fmt[] = "pid %d";
static int hits;
extern int bpf_ext_flag __attribute__((weak));
char LICENSE[] SEC("license") = "GPL";
SEC("tracepoint/syscalls/sys_enter_execve") int handle(void *ctx) {
  hits++;
  last.pid = hits + bpf_ext_flag;
  return fmt[hits & 3];
}
`;

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "abidrift-elf-"));
}

export interface Compile {
  name: string;
  target: Target;
  flags: string[];
  source: string;
}

/**
 * Compiles every unit to `<dir>/<name>.o`, one clang run per (target, flags)
 * group. Returns the object paths in input order.
 */
export function compileAll(dir: string, units: Compile[]): string[] {
  const groups = new Map<string, Compile[]>();
  for (const u of units) {
    writeFileSync(join(dir, `${u.name}.c`), u.source);
    const key = JSON.stringify([u.target, u.flags]);
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  for (const group of groups.values()) {
    const { target, flags } = group[0];
    const run = spawnSync(CLANG, ["-target", target, ...flags, "-c", ...group.map((u) => `${u.name}.c`)], {
      cwd: dir,
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`${CLANG} -target ${target} ${flags.join(" ")} failed:\n${run.stderr}`);
  }
  return units.map((u) => join(dir, `${u.name}.o`));
}



const SCALARS = ["char", "short", "int", "long long", "unsigned char", "float", "double"];
const SECTION_STEMS = ["kprobe/", "tracepoint/sched/", ".data.", ".rodata.", "xdp_", "maps/", "uprobe//usr/lib/", ".custom."];

/** A random translation unit; every choice comes from `next`, so a seed rebuilds it. */
export function randomUnit(next: () => number, target: Target): string {
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const ident = (prefix: string, i: number) => {
    const alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789";
    let s = prefix;
    for (let k = int(24); k > 0; k--) s += alphabet[int(alphabet.length)];
    return `${s}_${i}`;
  };
  // A fresh name each time: a function and a variable, or a const and a
  // writable variable, in one section is a compile error.
  let sections = 0;
  const section = () => `__attribute__((section("${pick(SECTION_STEMS)}${ident("s", sections++)}")))`;
  const lines: string[] = [];
  const globals: string[] = [];
  const externs: string[] = [];
  for (let i = int(4); i > 0; i--) {
    const name = ident("ext", i);
    lines.push(`extern int ${name}${next() < 0.3 ? " __attribute__((weak))" : ""};`);
    externs.push(name);
  }
  for (let i = 1 + int(16); i > 0; i--) {
    const name = ident("g", i);
    const scalar = pick(SCALARS);
    const count = next() < 0.3 ? 1 + int(40) : 0;
    const attrs = [
      next() < 0.2 ? section() : "",
      next() < 0.2 ? `__attribute__((aligned(${1 << int(7)})))` : "",
      "__attribute__((used))",
    ].join(" ");
    const init = next() < 0.5 ? (count > 0 ? " = { 1 }" : ` = ${1 + int(100)}`) : "";
    const storage = pick(["", "static ", "const ", "static const "]);
    lines.push(`${storage}${scalar} ${name}${count > 0 ? `[${count}]` : ""} ${attrs}${init || (storage.includes("const") ? " = { 0 }" : "")};`);
    // Integers only: BPF cannot convert floating point.
    if (count === 0 && !storage.includes("const") && !["float", "double"].includes(scalar)) globals.push(name);
  }
  for (let i = 1 + int(8); i > 0; i--) {
    const name = ident("f", i);
    const uses = [...globals, ...externs].filter(() => next() < 0.4);
    const body = uses.length > 0 ? uses.map((g) => `(int)${g}`).join(" + ") : String(int(1000));
    const storage = next() < 0.4 ? "static " : "";
    // BPF has no stack-passed arguments: keep signatures small everywhere.
    lines.push(`${storage}int ${name}(int x) ${next() < 0.4 ? section() : ""} __attribute__((used));`);
    lines.push(`${storage}int ${name}(int x) { return x + ${body}; }`);
  }
  if (target.startsWith("bpf")) lines.push(`char LICENSE[] __attribute__((section("license"), used)) = "GPL";`);
  return lines.join("\n") + "\n";
}

export function randomFlags(next: () => number): string[] {
  const flags = [next() < 0.5 ? "-O2" : "-O0"];
  if (next() < 0.5) flags.push("-g");
  if (next() < 0.4) flags.push("-ffunction-sections", "-fdata-sections");
  return flags;
}
