// Layout of a bpftool-generated vmlinux.h from source against clang reading
// the same file (`clang-16 -target bpf -fsyntax-only`), in one run, as a
// ratio of wall times (and of CPU times: the machine may be shared).
// Usage: npm run build && node bench/c-source.mjs [vmlinux.h]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TARGETS } from "../dist/ir/targets.js";
import { readCSource } from "../dist/readers/c/index.js";
import { childCpuMs } from "./lib/child-cpu.mjs";

let header = process.argv[2];
if (!header) {
  header = join(mkdtempSync(join(tmpdir(), "abidrift-bench-")), "vmlinux.h");
  writeFileSync(header, execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], { maxBuffer: 1 << 30 }));
}


function clang() {
  const cpu = childCpuMs();
  const t = performance.now();
  const r = spawnSync("clang-16", ["-target", "bpf", "-fsyntax-only", header]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  const wall = performance.now() - t;
  return { wall, cpu: cpu === undefined ? undefined : childCpuMs() - cpu };
}

async function ours() {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = await readCSource(header, { target: TARGETS.bpfel });
  const wall = performance.now() - t;
  const c = process.cpuUsage(cpu);
  return { wall, cpu: (c.user + c.system) / 1000, types: r.graph.count };
}

// One warm-up each (wasm compile, page cache), then the best of three.
clang();
await ours();
const c = [];
const o = [];
for (let i = 0; i < 3; i++) {
  c.push(clang());
  o.push(await ours());
}
const clangBest = c.reduce((a, b) => (b.wall < a.wall ? b : a));
const best = o.reduce((a, b) => (b.wall < a.wall ? b : a));
console.log(`vmlinux.h: ${best.types} types`);
console.log(`clang-16 -fsyntax-only: ${clangBest.wall.toFixed(0)} ms wall${clangBest.cpu === undefined ? "" : `, ${clangBest.cpu} ms CPU (10 ms ticks)`}`);
console.log(`abidrift readCSource:   ${best.wall.toFixed(0)} ms wall, ${best.cpu.toFixed(0)} ms CPU`);
console.log(`ratio (wall): ${(best.wall / clangBest.wall).toFixed(2)}x  (bar 4x, goal 2x)`);
if (clangBest.cpu) console.log(`ratio (CPU):  ${(best.cpu / clangBest.cpu).toFixed(2)}x`);
