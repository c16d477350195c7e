#!/usr/bin/env node
// Real BPF programs one at a time: `abidrift layout` of each `.bpf.c` in a
// folder of a fetched repository against `clang-16 -target bpf
// -fsyntax-only` of the same file with the same flags, in one run, as
// ratios of CPU time (the machine may be shared). Issue 16's goal for a
// program that includes vmlinux.h is 1.5x. Best of N runs of each, the two
// alternated; prints each program's ratio and their median.
//   npm run build && node bench/real-repos/programs-vs-clang.mjs DIR [-I DIR]... [-D NAME=VALUE]... [--runs N]
// e.g. in bcc's libbpf-tools: DIR=libbpf-tools -I libbpf-tools/x86 -I libbpf-tools -D __TARGET_ARCH_x86=1
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childCpuMs } from "../lib/child-cpu.mjs";
import { withoutCertBundle } from "../lib/plain-node.mjs";

withoutCertBundle();

const args = process.argv.slice(2);
const dir = args.shift();
const flags = [];
let runs = 2;
while (args.length) {
  const a = args.shift();
  if (a === "--runs") runs = Number(args.shift());
  else if (a === "-I" || a === "-D") flags.push(a, args.shift());
  else throw new Error(`unknown argument ${a}`);
}
const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
if (!dir || !existsSync(dir)) throw new Error("usage: programs-vs-clang.mjs DIR [-I DIR]... [-D NAME=VALUE]... [--runs N]");
if (!existsSync(CLI)) {
  console.log("programs-vs-clang: skipped: dist/ is not built (npm run build)");
  process.exit(0);
}
if (spawnSync("clang-16", ["--version"]).status !== 0) {
  console.log("programs-vs-clang: skipped: clang-16 is not installed");
  process.exit(0);
}

function cpu(cmd, argv) {
  const before = childCpuMs();
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 28 });
  return { ms: childCpuMs() - before, ok: r.status === 0 };
}

// clang takes -DNAME=VALUE and -IDIR as abidrift takes them apart.
const clangFlags = [];
for (let i = 0; i < flags.length; i += 2) clangFlags.push(`${flags[i]}${flags[i + 1]}`);
const ratios = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith(".bpf.c")).sort()) {
  const file = join(dir, f);
  let clang = Infinity;
  let ours = Infinity;
  let compiles = true;
  for (let i = 0; i < runs; i++) {
    const c = cpu("clang-16", ["-target", "bpf", "-fsyntax-only", "-w", ...clangFlags, file]);
    compiles &&= c.ok;
    clang = Math.min(clang, c.ms);
    ours = Math.min(ours, cpu(process.execPath, [CLI, "layout", file, ...flags]).ms);
  }
  // A program clang cannot compile here (a header this machine lacks) says nothing of speed.
  if (!compiles) {
    console.log(`  ${f.padEnd(28)} skipped: clang-16 does not compile it with these flags`);
    continue;
  }
  ratios.push(ours / clang);
  console.log(`  ${f.padEnd(28)} clang ${String(clang).padStart(5)} ms CPU, abidrift ${String(ours).padStart(5)} ms CPU, ${(ours / clang).toFixed(2)}x`);
}
const sorted = [...ratios].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
if (sorted.length) console.log(`${sorted.length} programs: median ${at(0.5).toFixed(2)}x clang's CPU, 90th percentile ${at(0.9).toFixed(2)}x, worst ${sorted[sorted.length - 1].toFixed(2)}x (goal 1.5x)`);
