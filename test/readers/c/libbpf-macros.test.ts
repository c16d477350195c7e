import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";

// libbpf's BPF_PROG and BPF_KPROBE expand into functions whose heads
// tree-sitter errs on when it parses the whole text: the declarations
// around them are read with the bodies blanked, and that reading, with the
// fewer errors, is the one kept where both find as many declarations.

const HEADERS = "/usr/include/bpf/bpf_tracing.h";

const PROGRAM = `#include <linux/types.h>
typedef __u64 u64; typedef __u32 u32; typedef __u16 u16; typedef int pid_t;
struct in6_addr { __u8 b[16]; };
struct task_struct { int tgid; struct task_struct *real_parent; };
struct sock_common { __u16 skc_num; __u16 skc_dport; struct in6_addr skc_v6_daddr; };
struct sock { struct sock_common __sk_common; };
struct linux_binprm;
struct pt_regs { long di; long si; long dx; long cx; long r8; long r9; long sp; long ip; long ax; };
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

describe.skipIf(!existsSync(HEADERS))("a libbpf program's macro-made functions (skipped without libbpf-dev)", () => {
  it("read without a problem", async () => {
    const r = await readCSource("prog.bpf.c", { target: TARGETS.bpfel, defines: { __TARGET_ARCH_x86: "1" }, files: { "prog.bpf.c": PROGRAM } });
    expect(r.problems.map((p) => p.message)).toEqual([]);
    expect(r.graph.find("event")).not.toEqual([]);
  });
});
