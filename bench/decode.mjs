// Decoding speed of an 80-byte ring-buffer event (fixtures/ts/probe_event.bpf.c):
// abidrift's generated decoder (one record per call, and forEach over a
// buffer of records) against binary-parser (the npm package) and a
// hand-written DataView decoder. Needs `npm run build` (dist/) and clang-16.
//   node bench/decode.mjs [rounds=5]
//
// Each decoder runs in a process of its own: decoders that build objects
// with the same fields in the same order share V8's hidden classes, and one
// process running them all times each against the others' type feedback.
// The processes take turns, round after round, and each reports the CPU
// time it spent (median of its own runs), so other work on the machine
// enters the ratios as little as it can. Figures are medians over rounds.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const N = 1 << 17;
const RUNS = 9;
const SIZE = 80;
const DECODERS = ["abidrift decodeProbeEvent", "abidrift forEachProbeEvent", "hand-written DataView", "binary-parser"];

if (process.argv[2] === "--one") {
  console.log(await timeOne(process.argv[3], process.argv[4]));
} else {
  await main(Number(process.argv[2] ?? 5));
}

async function main(rounds) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const { generateTs } = await import("../dist/codegen/ts/index.js");
  const { readBpfObjects } = await import("../dist/readers/object/index.js");
  const { default: ts } = await import("typescript");
  const dir = mkdtempSync(join(tmpdir(), "abidrift-bench-"));
  const obj = join(dir, "probe_event.o");
  const multiarch = execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();
  execFileSync("clang-16", ["-target", "bpfel", "-g", "-O2", "-c", join(root, "fixtures/ts/probe_event.bpf.c"), "-o", obj, `-I/usr/include/${multiarch}`]);
  const [mod] = readBpfObjects(readFileSync(obj), obj);
  const [gen] = generateTs(mod.graph, ["probe_event"], { source: "probe_event.bpf.c" });
  const js = ts.transpileModule(gen.text, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  writeFileSync(join(dir, "probe_event.mjs"), js);

  // Every decoder must agree before any is timed.
  const { generated, bytes, handWritten, parser } = await setUp(dir);
  const dv = new DataView(bytes.buffer);
  const each = [];
  generated.forEachProbeEvent(bytes, (e) => each.push(e));
  for (const i of [0, 1, N - 1]) {
    const a = generated.decodeProbeEvent(bytes, i * SIZE);
    const b = handWritten(dv, i * SIZE);
    const c = parser.parse(bytes.subarray(i * SIZE, (i + 1) * SIZE));
    for (const k of Object.keys(b)) {
      if (a[k] !== b[k] || each[i][k] !== b[k] || String(c[k]) !== String(b[k])) throw new Error(`record ${i}: decoders disagree on ${k}: ${a[k]} ${each[i][k]} ${b[k]} ${c[k]}`);
    }
  }

  const rates = Object.fromEntries(DECODERS.map((d) => [d, []]));
  for (let r = 0; r < rounds; r++) {
    for (const d of DECODERS) {
      rates[d].push(Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--one", d, dir], { encoding: "utf8" })));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const rate = Object.fromEntries(DECODERS.map((d) => [d, median(rates[d])]));
  console.log(`decode: ${N} records of struct probe_event (${SIZE} bytes), one process per decoder, CPU time, median of ${rounds} rounds`);
  for (const d of DECODERS) {
    const xs = rates[d].map((x) => (x / 1e6).toFixed(2));
    console.log(`  ${d.padEnd(28)} ${(rate[d] / 1e6).toFixed(2)} M records/s  (rounds: ${xs.join(" ")})`);
  }
  const ratio = (a, b) => (rate[a] / rate[b]).toFixed(2);
  console.log(`  decodeProbeEvent / binary-parser:   ${ratio(DECODERS[0], "binary-parser")}x (bar 1.5x)`);
  console.log(`  decodeProbeEvent / hand-written:    ${ratio(DECODERS[0], "hand-written DataView")}x (bar 0.8x, goal 1.0x)`);
  console.log(`  forEachProbeEvent / hand-written:   ${ratio(DECODERS[1], "hand-written DataView")}x`);
}

async function setUp(dir) {
  const { Parser } = await import("binary-parser");
  const generated = await import(pathToFileURL(join(dir, "probe_event.mjs")).href);
  const parser = new Parser()
    .endianness("little")
    .uint64("ts_ns")
    .uint32("pid")
    .uint32("tid")
    .uint32("uid")
    .int32("ret")
    .uint64("cgroup_id")
    .uint64("latency_ns")
    .string("comm", { length: 16, stripNull: true })
    .uint32be("saddr")
    .uint32be("daddr")
    .uint16be("sport")
    .uint16be("dport")
    .uint8("proto")
    .uint8("flags")
    .uint16("cpu")
    .uint64("bytes");

  // What a careful engineer writes by hand: one DataView, constant offsets, an ASCII loop for the name.
  function handWritten(dv, b) {
    let comm = "";
    for (let i = 0; i < 16; i++) {
      const c = dv.getUint8(b + 40 + i);
      if (c === 0) break;
      comm += String.fromCharCode(c);
    }
    return {
      ts_ns: dv.getBigUint64(b, true),
      pid: dv.getUint32(b + 8, true),
      tid: dv.getUint32(b + 12, true),
      uid: dv.getUint32(b + 16, true),
      ret: dv.getInt32(b + 20, true),
      cgroup_id: dv.getBigUint64(b + 24, true),
      latency_ns: dv.getBigUint64(b + 32, true),
      comm,
      saddr: dv.getUint32(b + 56, false),
      daddr: dv.getUint32(b + 60, false),
      sport: dv.getUint16(b + 64, false),
      dport: dv.getUint16(b + 66, false),
      proto: dv.getUint8(b + 68),
      flags: dv.getUint8(b + 69),
      cpu: dv.getUint16(b + 70, true),
      bytes: dv.getBigUint64(b + 72, true),
    };
  }

  const bytes = new Uint8Array(SIZE * N);
  const names = ["sshd", "nginx", "postgres", "node", "kworker/0:1", "systemd-resolve"];
  for (let i = 0; i < N; i++) {
    generated.encodeProbeEvent(
      {
        ts_ns: BigInt(i) * 1000n, pid: i, tid: i + 1, uid: 1000, ret: -i, cgroup_id: 42n, latency_ns: BigInt(i % 977),
        comm: names[i % names.length], saddr: 0x0a000001, daddr: 0x0a000002 + i, sport: 40000 + (i % 1000), dport: 443,
        proto: 6, flags: i & 0xff, cpu: i % 64, bytes: BigInt(i) * 1500n,
      },
      bytes,
      i * SIZE,
    );
  }
  return { generated, bytes, handWritten, parser };
}

/** Records per CPU second of one decoder, the median of RUNS passes over N records after three to warm up. */
async function timeOne(decoder, dir) {
  const { generated, bytes, handWritten, parser } = await setUp(dir);
  let sink = 0;
  const runs = {
    "abidrift decodeProbeEvent": () => {
      for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += generated.decodeProbeEvent(bytes, o).pid;
    },
    "abidrift forEachProbeEvent": () => {
      generated.forEachProbeEvent(bytes, (e) => {
        sink += e.pid;
      });
    },
    "hand-written DataView": () => {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += handWritten(v, o).pid;
    },
    "binary-parser": () => {
      for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += parser.parse(bytes.subarray(o, o + SIZE)).pid;
    },
  };
  const run = runs[decoder];
  for (let i = 0; i < 3; i++) run();
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.cpuUsage();
    run();
    const d = process.cpuUsage(t0);
    times.push((d.user + d.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  if (sink === 0.5) console.error(sink);
  return N / times[RUNS >> 1];
}
