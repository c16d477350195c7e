#!/usr/bin/env node
// BPF programs that include this kernel's vmlinux.h (bpftool's):
// `abidrift layout`, `maps` and `check` of each against `clang-16 -target
// bpf -fsyntax-only` of the same program, in one run, as ratios of CPU
// times (the machine may be shared; wall times are printed too). Issue 16's
// goal is 1.5x: a program pays for what it uses of the header, not for the
// whole of it. Two programs: one that declares records of ten kernel types
// and its maps, and one written as libbpf programs are, with libbpf's
// headers (bpf_helpers.h, bpf_core_read.h, bpf_tracing.h), BPF_KPROBE and
// BPF_PROG, CO-RE reads and a ring buffer. Best of N runs each.
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
const vmlinux = execFileSync("bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"], { maxBuffer: 1 << 30 });

const DECLARATIONS = `#include "vmlinux.h"
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
`;

const LIBBPF = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct event {
	u64 ts;
	u32 pid;
	u32 ppid;
	char comm[16];
	struct in6_addr addr;
	u16 sport;
	u16 dport;
};

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } ring SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, u32); __type(value, struct event); } seen SEC(".maps");

SEC("kprobe/tcp_connect")
int BPF_KPROBE(on_connect, struct sock *sk)
{
	struct event *e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);
	if (!e)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_daddr);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	u32 pid = BPF_CORE_READ(p, tgid);
	struct event *v = bpf_map_lookup_elem(&seen, &pid);
	if (v)
		v->ts = bpf_ktime_get_ns();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

// The one flag both programs are built with: bpf_tracing.h reads kprobe arguments for the architecture it names.
const ARCH = "__TARGET_ARCH_x86";
const programs = [
  { name: "declarations and maps", text: DECLARATIONS },
  ...(existsSync("/usr/include/bpf/bpf_tracing.h") ? [{ name: "as libbpf programs are written", text: LIBBPF }] : []),
];
if (programs.length === 1) console.log("vmlinux-program: the libbpf-style program is skipped: libbpf's headers are not in /usr/include/bpf (libbpf-dev)");

function timed(cmd, args) {
  const before = childCpuMs();
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return { wall: performance.now() - t, cpu: childCpuMs() - before };
}

const ms = (x) => `${x.toFixed(0)} ms`;
for (const program of programs) {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-bench-program-"));
  writeFileSync(join(dir, "vmlinux.h"), vmlinux);
  const prog = join(dir, "prog.bpf.c");
  writeFileSync(prog, program.text);
  // check finds a program's -D flags in its build files.
  writeFileSync(join(dir, "Makefile"), `prog.bpf.o: prog.bpf.c\n\tclang -g -O2 -target bpf -D${ARCH} -c $< -o $@\n`);
  const commands = {
    "clang-16 -fsyntax-only": () => timed("clang-16", ["-target", "bpf", `-D${ARCH}`, "-fsyntax-only", prog]),
    "abidrift layout": () => timed(process.execPath, [main, "layout", prog, "-D", `${ARCH}=1`]),
    "abidrift maps": () => timed(process.execPath, [main, "maps", prog, "-D", `${ARCH}=1`]),
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
  console.log(`a program ${program.name}:`);
  for (const [name, r] of Object.entries(best)) {
    const ratio = name.startsWith("abidrift") ? `  ratio ${(r.cpu / clang.cpu).toFixed(2)}x CPU, ${(r.wall / clang.wall).toFixed(2)}x wall (goal 1.5x)` : "";
    console.log(`  ${name.padEnd(24)} ${ms(r.cpu)} CPU, ${ms(r.wall)} wall${ratio}`);
  }
}
