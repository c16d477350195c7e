#!/usr/bin/env node
// `abidrift check` of a real folder of BPF programs just after a build, as a
// CI that builds and then checks runs it: a copy of the repository DIR in the
// temporary directory, each `.bpf.c` of its folder PROGRAMS compiled beside
// itself by clang-16 -g, with the flags given (objects
// whose DWARF names their sources with MD5s), checked; then the same objects
// with their DWARF stripped by llvm-objcopy-16 (as bpf2go leaves them),
// where stale-object reads every source, checked. Alternated, N runs each;
// each checked in PROGRAMS; prints wall and CPU time of each, their ratio, how many objects were
// built, and whether the two checks report the same (they must: both trees
// hold the same sources and BTF).
//   npm run build && node bench/real-repos/built-check.mjs DIR [PROGRAMS] [-I DIR]... [-D NAME=VALUE]... [--runs N]
// include folders relative to PROGRAMS; e.g. bcc: DIR=bcc libbpf-tools -I x86 -I . -D __TARGET_ARCH_x86;
// ebpf_exporter: DIR=ebpf_exporter examples -I ../include/x86 -D __TARGET_ARCH_x86
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childCpuMs } from "../lib/child-cpu.mjs";
import { withoutCertBundle } from "../lib/plain-node.mjs";

withoutCertBundle();

const args = process.argv.slice(2);
const dir = args.shift();
const programs = args[0] && !args[0].startsWith("-") ? args.shift() : ".";
const flags = [];
let runs = 3;
while (args.length) {
  const a = args.shift();
  if (a === "--runs") runs = Number(args.shift());
  else if (a === "-I" || a === "-D") flags.push(`${a}${args.shift()}`);
  else throw new Error(`unknown argument ${a}`);
}
const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
if (!dir || !existsSync(join(dir, programs))) throw new Error("usage: built-check.mjs DIR [PROGRAMS] [-I DIR]... [-D NAME=VALUE]... [--runs N]");
const skip = (why) => {
  console.log(`built-check: skipped: ${why}`);
  process.exit(0);
};
if (!existsSync(CLI)) skip("dist/ is not built (npm run build)");
for (const tool of ["clang-16", "llvm-objcopy-16"]) if (spawnSync(tool, ["--version"]).status !== 0) skip(`${tool} is not installed`);

const multiarch = execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();

/** A copy of DIR with every program clang compiles built beside its source; `strip` takes the DWARF out of each object. */
function builtCopy(strip) {
  const root = mkdtempSync(join(tmpdir(), "abidrift-built-check-"));
  const copy = join(root, basename(dir));
  cpSync(dir, copy, { recursive: true });
  const at = join(copy, programs);
  let built = 0;
  for (const f of readdirSync(at).filter((n) => n.endsWith(".bpf.c")).sort()) {
    const object = f.replace(/\.c$/, ".o");
    const cc = spawnSync("clang-16", ["-target", "bpfel", "-g", "-O2", "-w", ...flags, `-I/usr/include/${multiarch}`, "-c", f, "-o", object], { cwd: at });
    if (cc.status !== 0) continue;
    built++;
    if (strip) execFileSync("llvm-objcopy-16", ["--strip-debug", object], { cwd: at });
  }
  return { root, at, built };
}

function check(at) {
  const before = childCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, "check", ".", "--format", "json", "--no-lock"], { cwd: at, encoding: "utf8", maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const { findings, pairs } = JSON.parse(r.stdout);
  return { wall, cpu: (childCpuMs() - before) / 1000, report: JSON.stringify({ findings, pairs }) };
}

const vouched = builtCopy(false);
const stripped = builtCopy(true);
try {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(check(vouched.at));
    b.push(check(stripped.at));
  }
  const mean = (xs, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const same = a.every((x) => x.report === a[0].report) && b.every((x) => x.report === a[0].report);
  console.log(`check of ${join(dir, programs)} after a build: ${vouched.built} programs built by clang-16 -g, ${runs} alternated runs each`);
  console.log(`  objects with DWARF (MD5s)   ${mean(a, "wall").toFixed(2)} s wall  ${mean(a, "cpu").toFixed(2)} s CPU`);
  console.log(`  objects stripped of DWARF   ${mean(b, "wall").toFixed(2)} s wall  ${mean(b, "cpu").toFixed(2)} s CPU`);
  console.log(`  with / without: ${(mean(a, "wall") / mean(b, "wall")).toFixed(2)}x wall, ${(mean(a, "cpu") / mean(b, "cpu")).toFixed(2)}x CPU; the two reports are ${same ? "the same" : "DIFFERENT (a bug)"}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(vouched.root, { recursive: true, force: true });
  rmSync(stripped.root, { recursive: true, force: true });
}
