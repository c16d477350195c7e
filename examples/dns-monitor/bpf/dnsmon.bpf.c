// dnsmon: counts DNS queries per (addresses, ports, name) and streams one
// event per answer with its latency. The BPF side of the bundled example;
// its userspace twins in loader/ (Go), tools/ (Python) and dashboard/
// (TypeScript) each carry a bug from a real code review.
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define QNAME_LEN 32

struct dns_key {
	__u32 saddr;
	__u32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	char qname[QNAME_LEN];
};

struct inflight_key {
	__u32 pid;
	__u16 id;
	__u64 start_ns;
};

enum dns_rcode {
	RCODE_NOERROR = 0,
	RCODE_FORMERR = 1,
	RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3,
};

struct dns_event {
	__u64 ts_ns;
	__u32 pid;
	__u8 rcode;
	__u8 qr : 1;
	__u8 opcode : 4;
	__u16 qtype;
	struct dns_key key;
	__u64 latency_ns;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct dns_key);
	__type(value, __u64);
} dns_queries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct inflight_key);
	__type(value, struct dns_key);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

const struct dns_event *unused_event __attribute__((unused));

SEC("tracepoint/syscalls/sys_enter_sendto")
int on_query(void *ctx)
{
	struct dns_key key = { .proto = 17, .dport = bpf_htons(53) };
	struct inflight_key ik = {};
	__u64 one = 1, *count;

	ik.pid = bpf_get_current_pid_tgid() >> 32;
	ik.start_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&inflight, &ik, &key, BPF_ANY);

	count = bpf_map_lookup_elem(&dns_queries, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&dns_queries, &key, &one, BPF_NOEXIST);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int on_answer(void *ctx)
{
	struct dns_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->qr = 1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
