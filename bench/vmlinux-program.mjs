#!/usr/bin/env node
// One BPF program that includes this kernel's vmlinux.h (bpftool's) and uses
// ten kernel types: `abidrift layout`, `maps` and `check` of it against
// `clang-16 -target bpf -fsyntax-only` of the same program, in one run, as
// ratios of CPU times (the machine may be shared; wall times are printed
// too). Issue 16's goal is 1.5x: the program pays for what it uses of the
// header, not for the whole of it. Best of N runs each.
//   npm run build && node bench/vmlinux-program.mjs [N=3]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childCpuMs } from "./lib/child-cpu.mjs";
import { withoutCertBundle } from "./lib/plain-node.mjs";

withoutCertBundle();

const VMLINUX = "/sys/kernel/btf/vmlinux";
const runs = Number(process.argv[2] ?? 3);
const main = join(dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");

if (!existsSync(VMLINUX) || spawnSync("bpftool", ["version"]).status !== 0 || spawnSync("clang-16", ["--version"]).status !== 0) {
  console.log(`vmlinux-program: skipped: needs bpftool, clang-16 and ${VMLINUX}`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "abidrift-bench-program-"));
writeFileSync(join(dir, "vmlinux.h"), execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"], { maxBuffer: 1 << 30 }));
const prog = join(dir, "prog.bpf.c");
writeFileSync(
  prog,
  `#include "vmlinux.h"
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct event {
	u64 ts;
	u32 pid;
	char comm[16];
	struct task_struct *task;
	struct sock_common sk;
	struct in6_addr addr;
	struct sockaddr_in sin;
	struct iphdr ip;
	struct tcphdr tcp;
	struct ethhdr eth;
	struct bpf_sock_tuple tuple;
	struct path path;
	struct __sk_buff *skb;
};

struct flow_key { u32 pid; u16 port; struct in6_addr addr; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct flow_key); __type(value, struct event); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } ring SEC(".maps");
char LICENSE[] SEC("license") = "GPL";
`,
);

function timed(cmd, args) {
  const before = childCpuMs();
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return { wall: performance.now() - t, cpu: childCpuMs() - before };
}

const commands = {
  "clang-16 -fsyntax-only": () => timed("clang-16", ["-target", "bpf", "-fsyntax-only", prog]),
  "abidrift layout": () => timed(process.execPath, [main, "layout", prog]),
  "abidrift maps": () => timed(process.execPath, [main, "maps", prog]),
  "abidrift check": () => timed(process.execPath, [main, "check", dir, "--no-lock"]),
};

// Rounds of every command in turn, so that a busy moment weighs on all of them alike.
const best = {};
for (const f of Object.values(commands)) f();
for (let i = 0; i < runs; i++) {
  for (const [name, f] of Object.entries(commands)) {
    const r = f();
    if (!best[name] || r.cpu < best[name].cpu) best[name] = r;
  }
}
const clang = best["clang-16 -fsyntax-only"];
const ms = (x) => `${x.toFixed(0)} ms`;
for (const [name, r] of Object.entries(best)) {
  const ratio = name.startsWith("abidrift") ? `  ratio ${(r.cpu / clang.cpu).toFixed(2)}x CPU, ${(r.wall / clang.wall).toFixed(2)}x wall (goal 1.5x)` : "";
  console.log(`${name.padEnd(24)} ${ms(r.cpu)} CPU, ${ms(r.wall)} wall${ratio}`);
}
