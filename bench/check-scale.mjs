#!/usr/bin/env node
// How `abidrift check` grows with the size of a repository: a synthetic tree
// of N BPF programs, each a directory with its C source, the object clang
// built from it (libbpf style, `x.bpf.o` beside `x.bpf.c`) and a Go loader
// whose twins of the C records are read with binary.Read and map lookups.
// The tree is generated here at bench time, in the temporary directory,
// never committed. Prints wall
// time, CPU time and peak memory (from /usr/bin/time) per size, and the time
// per program, which stays flat if the growth is linear; each size is checked
// with C read on the main thread alone (`--concurrency off`) and as `auto`
// chooses, alternated twice, and their ratio printed. The same tree with
// objects whose DWARF does not vouch for their sources is checked twice too:
// there stale-object reads every source. Issue 16's goal: 1,000
// programs in under 4 s and 300 MB; issue 5's, 50 programs under 2 s.
//   npm run build && node bench/check-scale.mjs [N...]     (default 50 1000)
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { haveGnuTime, spawnMeasured } from "./lib/gnu-time.mjs";
import { withoutCertBundle } from "./lib/plain-node.mjs";

withoutCertBundle();

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [50, 1000];
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function skip(why) {
  console.log(`check-scale: skipped: ${why}`);
  process.exit(0);
}
if (!existsSync(CLI)) skip("dist/ is not built: run `npm run build` (npm run bench does)");
if (spawnSync("clang-16", ["--version"], { stdio: "ignore" }).status !== 0) skip("clang-16 is not installed");

// Every program has its own names (\`flow_key_z00042\`): one object is
// compiled with \`z00000\` and each copy has that spelling replaced by its
// own, same length, in the BTF, symbol and DWARF strings alike.
const program = (tag) => `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key_${tag} { __u32 pid; __u32 tid; __u16 port; __u8 proto; char comm[16]; };
struct flow_event_${tag} { __u64 ts; __u32 pid; __u32 uid; __u8 kind; char comm[16]; __u64 bytes; };
struct flow_stat_${tag} { __u64 count; __u64 bytes; __u32 errors; };

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, struct flow_key_${tag}); __type(value, struct flow_stat_${tag}); } stats_${tag} SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events_${tag} SEC(".maps");
// libbpf's idiom for keeping a record type in BTF.
const struct flow_event_${tag} *unused_event_${tag} __attribute__((unused));

SEC("tracepoint/syscalls/sys_enter_write")
int handle_${tag}(void *ctx)
{
	struct flow_key_${tag} k = {};
	struct flow_stat_${tag} *s;
	struct flow_event_${tag} *e;

	k.pid = bpf_get_current_pid_tgid() >> 32;
	s = bpf_map_lookup_elem(&stats_${tag}, &k);
	if (s)
		s->count++;
	e = bpf_ringbuf_reserve(&events_${tag}, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;
const TEMPLATE = "z00000";
const tagOf = (i) => `z${String(i).padStart(5, "0")}`;

/**
 * The template object with every TEMPLATE spelled as `tag`. clang's DWARF
 * keeps the MD5 of the source it compiled; `vouched` puts the copy's own
 * source's there, as clang would have written building it, else the
 * template's stays and no object vouches for its source (as bpf2go's, whose
 * DWARF is stripped).
 */
function renamed(template, tag, vouched) {
  const out = Buffer.from(template);
  const from = Buffer.from(TEMPLATE);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + from.length)) out.write(tag, at, "latin1");
  if (vouched) {
    const was = md5(program(TEMPLATE));
    const at = out.indexOf(was);
    if (at < 0 || out.indexOf(was, at + 1) >= 0) throw new Error("check-scale: the template object's DWARF does not hold its source's MD5 once");
    md5(program(tag)).copy(out, at);
  }
  return out;
}

const md5 = (text) => createHash("md5").update(text).digest();

// Event's padding is left out on purpose in half the programs: a finding per
// program keeps the locating of findings in the measurement.
const loader = (i, tag = tagOf(i).toUpperCase()) => `package prog

import (
	"bytes"
	"encoding/binary"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

type FlowKey${tag} struct {
	Pid   uint32
	Tid   uint32
	Port  uint16
	Proto uint8
	Comm  [16]int8
	_     [1]byte
}

type FlowEvent${tag} struct {
	Ts    uint64
	Pid   uint32
	Uid   uint32
	Kind  uint8
	Comm  [16]int8
${i % 2 ? "	_     [7]byte\n" : ""}	Bytes uint64
}

type FlowStat${tag} struct {
	Count  uint64
	Bytes  uint64
	Errors uint32
	_      [4]byte
}

func run(m *ebpf.Map, rd *ringbuf.Reader) error {
	var k FlowKey${tag}
	var s FlowStat${tag}
	if err := m.Lookup(&k, &s); err != nil {
		return err
	}
	record, err := rd.Read()
	if err != nil {
		return err
	}
	var ev FlowEvent${tag}
	return binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &ev)
}
`;

function tree(n, vouched) {
  const root = join(tmpdir(), `abidrift-bench-scale-v3-${n}${vouched ? "" : "-unvouched"}`);
  if (existsSync(join(root, "done"))) return root;
  const multiarch = execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();
  // Named as every copy is: the DWARF names the file it was built from.
  const dir = join(tmpdir(), "abidrift-bench-scale-template");
  mkdirSync(dir, { recursive: true });
  const src = join(dir, "flow.bpf.c");
  const obj = join(dir, "flow.bpf.o");
  writeFileSync(src, program(TEMPLATE));
  execFileSync("clang-16", ["-target", "bpfel", "-g", "-O2", "-c", src, "-o", obj, `-I/usr/include/${multiarch}`]);
  const template = readFileSync(obj);
  for (let i = 0; i < n; i++) {
    const dir = join(root, `tools/t${Math.floor(i / 100)}/prog${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "flow.bpf.c"), program(tagOf(i)));
    writeFileSync(join(dir, "flow.bpf.o"), renamed(template, tagOf(i), vouched));
    writeFileSync(join(dir, "loader.go"), loader(i));
  }
  writeFileSync(join(root, "done"), "");
  return root;
}


/** One check of the tree at `root`; wall and CPU seconds, peak MB, and the report's last line. */
function run(root, extra) {
  const args = [CLI, "check", ".", ...extra];
  const start = process.hrtime.bigint();
  const r = spawnMeasured(process.execPath, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 30 });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) {
    console.error(`check exited ${r.status}: ${r.stderr.slice(0, 1000)}`);
    process.exit(1);
  }
  // Peak memory and CPU seconds (user + system): CPU is what a busy machine disturbs least.
  return { s, cpu: r.cpuS, mb: r.peakMb, summary: r.stdout.trim().split("\n").pop() };
}

const show = (label, n, x) =>
  console.log(`  ${String(n).padStart(6)} programs ${label.padEnd(17)} ${x.s.toFixed(2).padStart(7)} s   ${haveGnuTime ? `${x.mb.toFixed(0).padStart(5)} MB   CPU ${x.cpu.toFixed(2).padStart(6)} s` : "(no /usr/bin/time)"}   ${((x.s * 1000) / n).toFixed(2)} ms/program   ${x.summary}`);

console.log(`check of a synthetic tree: N programs, each .bpf.c + .bpf.o + Go loader; C read on this thread (off) and as --concurrency auto chooses, alternated`);
console.log(`  objects whose DWARF vouches for their source (clang -g, as a build leaves them), then objects with no such word (bpf2go strips DWARF), whose sources stale-object reads`);
for (const n of SIZES) {
  const root = tree(n, true);
  const bare = tree(n, false);
  const off = run(root, ["--concurrency", "off"]);
  const auto = run(root, []);
  const bareOff = run(bare, ["--concurrency", "off"]);
  const off2 = run(root, ["--concurrency", "off"]);
  const auto2 = run(root, []);
  const bareOff2 = run(bare, ["--concurrency", "off"]);
  show("off", n, off);
  show("auto", n, auto);
  show("off", n, off2);
  show("auto", n, auto2);
  console.log(`  ${String(n).padStart(6)} programs auto/off: ${((auto.s + auto2.s) / (off.s + off2.s)).toFixed(2)}x wall, ${haveGnuTime ? `${((auto.cpu + auto2.cpu) / (off.cpu + off2.cpu)).toFixed(2)}x CPU` : ""}`);
  show("unvouched, off", n, bareOff);
  show("unvouched, off", n, bareOff2);
}
console.log(`  goal: 1,000 programs in under 4 s and 300 MB, growing linearly; this machine has ${availableParallelism()} cores`);
