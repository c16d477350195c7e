#!/usr/bin/env node
// `abidrift check` over a tree of 20 BPF programs that each include this
// kernel's vmlinux.h (bpftool's) and use a few kernel types, against the
// same check over one of them: issue 16's bar is a ratio of at most 3, which
// needs the header read once per run, not once per program. CPU times of
// the check processes, best of N runs each.
//   npm run build && node bench/vmlinux-tree.mjs [N=2]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childCpuMs } from "./lib/child-cpu.mjs";
import { withoutCertBundle } from "./lib/plain-node.mjs";

withoutCertBundle();

const PROGRAMS = 20;
const VMLINUX = "/sys/kernel/btf/vmlinux";
const runs = Number(process.argv[2] ?? 2);
const main = join(dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");

if (!existsSync(VMLINUX) || spawnSync("bpftool", ["version"]).status !== 0) {
  console.log(`vmlinux-tree: skipped: needs bpftool and ${VMLINUX}`);
  process.exit(0);
}
const header = execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"], { maxBuffer: 1 << 30 });

function program(i) {
  return `#include "vmlinux.h"
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct event_${i} { u64 ts; u32 pid; char comm[16]; struct task_struct *task; struct sock_common sk; };
struct key_${i} { u32 pid; u16 port; struct in6_addr addr; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct key_${i}); __type(value, struct event_${i}); } events_${i} SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } ring_${i} SEC(".maps");
char LICENSE[] SEC("license") = "GPL";
`;
}

function tree(n) {
  const root = mkdtempSync(join(tmpdir(), `abidrift-bench-vmlinux-${n}-`));
  mkdirSync(join(root, "bpf"));
  writeFileSync(join(root, "bpf", "vmlinux.h"), header);
  for (let i = 0; i < n; i++) writeFileSync(join(root, "bpf", `prog${i}.bpf.c`), program(i));
  return root;
}

function check(root) {
  const before = childCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, [main, "check", root, "--no-lock"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`check ${root}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return { wall: performance.now() - t, cpu: childCpuMs() - before };
}

function best(root) {
  let b;
  for (let i = 0; i < runs; i++) {
    const r = check(root);
    if (!b || r.cpu < b.cpu) b = r;
  }
  return b;
}

const one = best(tree(1));
const many = best(tree(PROGRAMS));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`check, 1 program:   ${s(one.cpu)} CPU, ${s(one.wall)} wall`);
console.log(`check, ${PROGRAMS} programs: ${s(many.cpu)} CPU, ${s(many.wall)} wall`);
console.log(`ratio ${PROGRAMS}:1 (CPU) ${(many.cpu / one.cpu).toFixed(2)} (bar 3)`);
