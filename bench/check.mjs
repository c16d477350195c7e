#!/usr/bin/env node
// `abidrift check` over a generated repository of 50 BPF programs, each with
// its compiled object (as bpf2go and libbpf projects commit them) and a Go
// loader that declares its maps, reads its events with binary.Read and looks
// keys up. Issue 5's bar: under 2 s on 2 cores. Prints the median of N runs.
//   npm run build && node bench/check.mjs [N=5]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PROGRAMS = 50;
const runs = Number(process.argv[2] ?? 5);
const main = join(dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const root = join(tmpdir(), `abidrift-bench-check-${PROGRAMS}`);
const multiarch = execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();

function program(i) {
  return `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct key_${i} { __u32 pid; __u32 tid; __u16 port; __u8 proto; char comm[16]; };
struct event_${i} { __u64 ts; __u32 pid; __u32 uid; __u8 kind; char comm[16]; __u64 bytes; };
struct stat_${i} { __u64 count; __u64 bytes; __u32 errors; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct key_${i}); __type(value, struct stat_${i}); } stats_${i} SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events_${i} SEC(".maps");
const struct event_${i} *unused_event_${i} __attribute__((unused));

SEC("tracepoint/syscalls/sys_enter_write")
int handle_${i}(void *ctx)
{
	struct key_${i} k = {};
	struct stat_${i} *s;
	struct event_${i} *e;
	__u64 now = bpf_ktime_get_ns();

	k.pid = bpf_get_current_pid_tgid() >> 32;
	s = bpf_map_lookup_elem(&stats_${i}, &k);
	if (s)
		s->count++;
	e = bpf_ringbuf_reserve(&events_${i}, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = now;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;
}

function loader(i) {
  return `package prog${i}

import (
	"bytes"
	"encoding/binary"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

type Key${i} struct {
	Pid   uint32
	Tid   uint32
	Port  uint16
	Proto uint8
	Comm  [16]int8
	_     [1]byte
}

type Event${i} struct {
	Ts    uint64
	Pid   uint32
	Uid   uint32
	Kind  uint8
	Comm  [16]int8
	_     [7]byte
	Bytes uint64
}

type Stat${i} struct {
	Count  uint64
	Bytes  uint64
	Errors uint32
	_      [4]byte
}

var spec${i} = &ebpf.MapSpec{Name: "stats_${i}", Type: ebpf.Hash, KeySize: 28, ValueSize: 24, MaxEntries: 1024}

func run${i}(m *ebpf.Map, rd *ringbuf.Reader) error {
	var k Key${i}
	var s Stat${i}
	if err := m.Lookup(&k, &s); err != nil {
		return err
	}
	record, err := rd.Read()
	if err != nil {
		return err
	}
	var ev Event${i}
	return binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &ev)
}
`;
}

if (!existsSync(join(root, "done"))) {
  for (let i = 0; i < PROGRAMS; i++) {
    const dir = join(root, `prog${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `prog${i}.bpf.c`), program(i));
    writeFileSync(join(dir, `loader.go`), loader(i));
    execFileSync("clang-16", ["-target", "bpfel", "-g", "-O2", "-c", join(dir, `prog${i}.bpf.c`), "-o", join(dir, `prog${i}.bpf.o`), `-I/usr/include/${multiarch}`]);
  }
  writeFileSync(join(root, "done"), "");
}

const times = [];
let last;
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  last = spawnSync(process.execPath, [main, "check", "."], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
process.stdout.write(`check of ${PROGRAMS} BPF programs (objects + sources) and ${PROGRAMS} Go loaders: median ${median.toFixed(0)} ms over ${runs} runs (bar 2000 ms)\n`);
process.stdout.write(`last run: exit ${last.status}, ${last.stdout.trim().split("\n").pop()}\n`);
if (last.status !== 0) process.stdout.write(last.stdout.slice(0, 2000));
process.exit(last.status === 0 && median < 2000 ? 0 : 1);
