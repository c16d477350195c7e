// abidrift's `layout` of the kernel's BTF (text or JSON, every type) against
// bpftool writing the same BTF as C (`btf dump ... format c`): N alternating
// runs of each, output discarded, median wall times and their ratio, and
// the mean CPU time (user + system) of each, which a busy machine disturbs
// less than wall time. Then one type, `layout -t task_struct`, against
// pahole's `-C task_struct` of the same BTF, where pahole is installed.
// Last, peak memory: what the kernel's layout takes beyond the same command
// on a small object (node and abidrift's own code), against the BTF's size.
//   node bench/layout-vmlinux.mjs [runs] [text|json]   (BENCH_RUNS=N also works)
import { spawnSync } from "node:child_process";
import { existsSync, openSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { childCpuMs } from "./lib/child-cpu.mjs";
import { haveGnuTime, spawnMeasured } from "./lib/gnu-time.mjs";
import { withoutCertBundle } from "./lib/plain-node.mjs";

withoutCertBundle();

const VMLINUX = "/sys/kernel/btf/vmlinux";
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 11);
const FORMAT = process.argv[3] ?? "text";
if (FORMAT !== "text" && FORMAT !== "json") {
  console.error(`layout-vmlinux: the format is text or json, not ${FORMAT}`);
  process.exit(2);
}

if (!existsSync(VMLINUX)) skip(`no ${VMLINUX} on this machine`);
if (!existsSync(CLI)) skip("dist/ is not built: run `npm run build` (npm run bench does)");
if (spawnSync("bpftool", ["version"], { stdio: "ignore" }).status !== 0) skip("bpftool is not installed");

function skip(why) {
  console.log(`layout-vmlinux: skipped: ${why}`);
  process.exit(0);
}

const devnull = openSync("/dev/null", "w");
const commands = {
  abidrift: [process.execPath, [CLI, "layout", VMLINUX, ...(FORMAT === "json" ? ["--format", "json"] : [])]],
  bpftool: ["bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"]],
};


const cpu = { abidrift: 0, bpftool: 0 };

function time([cmd, args], name, cpuOf = cpu) {
  const cpuBefore = childCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", devnull, "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (name && cpuBefore !== undefined) cpuOf[name] += childCpuMs() - cpuBefore;
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(" ")} exited ${r.status}: ${String(r.stderr).trim()}`);
    process.exit(1);
  }
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One warm-up each fills the page cache; then the two alternate so machine
// load falls on both alike.
time(commands.abidrift);
time(commands.bpftool);
const ms = { abidrift: [], bpftool: [] };
for (let i = 0; i < RUNS; i++) {
  for (const name of i % 2 ? ["bpftool", "abidrift"] : ["abidrift", "bpftool"]) ms[name].push(time(commands[name], name));
}
const a = median(ms.abidrift);
const b = median(ms.bpftool);
console.log(`layout ${VMLINUX}, ${RUNS} alternating runs each, median wall time:`);
console.log(`  abidrift layout (${FORMAT}, all types)   ${a.toFixed(1)} ms   (min ${Math.min(...ms.abidrift).toFixed(1)})`);
console.log(`  bpftool btf dump ... format c        ${b.toFixed(1)} ms   (min ${Math.min(...ms.bpftool).toFixed(1)})`);
console.log(`  ratio abidrift / bpftool             ${(a / b).toFixed(2)}x   (bar 1.5x, goal 1.0x)`);
if (childCpuMs() !== undefined) {
  const ca = cpu.abidrift / RUNS;
  const cb = cpu.bpftool / RUNS;
  console.log(`  mean CPU (user+sys): abidrift ${ca.toFixed(0)} ms, bpftool ${cb.toFixed(0)} ms, ratio ${(ca / cb).toFixed(2)}x`);
}

// One type: what `pahole -C` answers. pahole 1.24 warns about the kinds it
// predates (DECL_TAG, TYPE_TAG) on stderr and prints the struct all the same.
const TYPE = "task_struct";
if (spawnSync("pahole", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.log(`one type: skipped: pahole is not installed (Debian package dwarves)`);
} else {
  const one = {
    abidrift: [process.execPath, [CLI, "layout", VMLINUX, "-t", TYPE]],
    pahole: ["pahole", ["-C", TYPE, VMLINUX]],
  };
  const oneCpu = { abidrift: 0, pahole: 0 };
  time(one.abidrift);
  time(one.pahole);
  const oneMs = { abidrift: [], pahole: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const name of i % 2 ? ["pahole", "abidrift"] : ["abidrift", "pahole"]) oneMs[name].push(time(one[name], name, oneCpu));
  }
  const oa = median(oneMs.abidrift);
  const op = median(oneMs.pahole);
  console.log(`one type (${TYPE}), ${RUNS} alternating runs each, median wall time:`);
  console.log(`  abidrift layout -t ${TYPE}          ${oa.toFixed(1)} ms   (min ${Math.min(...oneMs.abidrift).toFixed(1)})`);
  console.log(`  pahole -C ${TYPE}                   ${op.toFixed(1)} ms   (min ${Math.min(...oneMs.pahole).toFixed(1)})`);
  console.log(`  ratio abidrift / pahole              ${(oa / op).toFixed(2)}x`);
  if (childCpuMs() !== undefined) console.log(`  mean CPU (user+sys): abidrift ${(oneCpu.abidrift / RUNS).toFixed(0)} ms, pahole ${(oneCpu.pahole / RUNS).toFixed(0)} ms, ratio ${(oneCpu.abidrift / oneCpu.pahole).toFixed(2)}x`);
}

// Peak resident memory, median of 5 runs each. The small object's run is
// node plus abidrift's code and output buffer, into the same kind of
// stdout (a pipe makes node load its stream machinery); what the kernel
// adds to it is what its BTF costs, which the goal holds to twice the
// file's size.
const SMALL = fileURLToPath(new URL("../fixtures/objects/dns_key.bpfel.o", import.meta.url));
if (!haveGnuTime) {
  console.log("peak memory: skipped: /usr/bin/time is not installed (Debian package time)");
} else if (!existsSync(SMALL)) {
  console.log(`peak memory: skipped: no ${SMALL}`);
} else {
  const MEMORY_RUNS = 5;
  const env = { ...process.env, NO_COLOR: "1" };
  const kinds = {
    small: () => spawnMeasured(process.execPath, [CLI, "layout", SMALL], { stdio: ["ignore", devnull, "pipe"], env }),
    smallPipe: () => spawnMeasured(process.execPath, [CLI, "layout", SMALL], { stdio: ["ignore", "pipe", "pipe"], env }),
    text: () => spawnMeasured(process.execPath, [CLI, "layout", VMLINUX], { stdio: ["ignore", devnull, "pipe"], env }),
    json: () => spawnMeasured(process.execPath, [CLI, "layout", VMLINUX, "--format", "json"], { stdio: ["ignore", devnull, "pipe"], env }),
    // A pipe this process reads, as a pager or `| grep` would.
    pipe: () => spawnMeasured(process.execPath, [CLI, "layout", VMLINUX], { stdio: ["ignore", "pipe", "pipe"], env, maxBuffer: 1 << 28 }),
    bpftool: () => spawnMeasured("bpftool", ["btf", "dump", "file", VMLINUX, "format", "c"], { stdio: ["ignore", devnull, "pipe"] }),
  };
  const peaks = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < MEMORY_RUNS; i++) {
    for (const [k, run] of Object.entries(kinds)) {
      const r = run();
      if (r.status !== 0) {
        console.error(`peak memory: ${k} exited ${r.status}: ${String(r.stderr).trim()}`);
        process.exit(1);
      }
      peaks[k].push(r.peakMb);
    }
  }
  const m = Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, median(v)]));
  const btfMb = statSync(VMLINUX).size / 1048576;
  const beyond = (k, base) => `${(m[k] - m[base]).toFixed(1)} MB beyond it, ${((m[k] - m[base]) / btfMb).toFixed(2)}x the BTF`;
  console.log(`peak resident memory, median of ${MEMORY_RUNS} (BTF ${btfMb.toFixed(1)} MB):`);
  const row = (what, k, note) => console.log(`  ${what.padEnd(46)} ${m[k].toFixed(1).padStart(5)} MB   ${note}`);
  row("abidrift layout of a small object", "small", "(node and abidrift's own)");
  row("abidrift layout (text, all types)", "text", beyond("text", "small"));
  row("abidrift layout (json, all types)", "json", beyond("json", "small"));
  row("abidrift layout of a small object into a pipe", "smallPipe", "");
  row("abidrift layout (text) into a pipe", "pipe", beyond("pipe", "smallPipe"));
  row("bpftool btf dump ... format c", "bpftool", "");
  console.log(`  goal: within 2x the BTF beyond node's own`);
}
