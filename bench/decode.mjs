// Decoding speed of an 80-byte ring-buffer event (fixtures/ts/probe_event.bpf.c):
// abidrift's generated decoder against binary-parser (the npm package) and
// a hand-written DataView decoder, in one run, as records per second and
// ratios. Needs `npm run build` (dist/) and clang-16.
//   node bench/decode.mjs [records]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Parser } from "binary-parser";
import ts from "typescript";
import { generateTs } from "../dist/codegen/ts/index.js";
import { readBpfObjects } from "../dist/readers/object/index.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const N = Number(process.argv[2] ?? 1 << 16);
const ROUNDS = 7;

const dir = mkdtempSync(join(tmpdir(), "abidrift-bench-"));
const obj = join(dir, "probe_event.o");
const multiarch = execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim();
execFileSync("clang-16", ["-target", "bpfel", "-g", "-O2", "-c", join(root, "fixtures/ts/probe_event.bpf.c"), "-o", obj, `-I/usr/include/${multiarch}`]);
const [mod] = readBpfObjects(readFileSync(obj), obj);
const [gen] = generateTs(mod.graph, ["probe_event"], { source: "probe_event.bpf.c" });
const js = ts.transpileModule(gen.text, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
writeFileSync(join(dir, "probe_event.mjs"), js);
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

const SIZE = generated.PROBE_EVENT_SIZE;
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

// Every decoder must agree before any is timed.
const dv = new DataView(bytes.buffer);
for (const i of [0, 1, N - 1]) {
  const a = generated.decodeProbeEvent(bytes, i * SIZE);
  const b = handWritten(dv, i * SIZE);
  const c = parser.parse(bytes.subarray(i * SIZE, (i + 1) * SIZE));
  for (const k of Object.keys(b)) {
    if (a[k] !== b[k] || String(c[k]) !== String(b[k])) throw new Error(`record ${i}: decoders disagree on ${k}: ${a[k]} ${b[k]} ${c[k]}`);
  }
}

let sink = 0;
const runs = {
  "abidrift generated": () => {
    for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += generated.decodeProbeEvent(bytes, o).pid;
  },
  "abidrift batch": () => {
    const all = generated.decodeProbeEventArray(bytes);
    sink += all[all.length - 1].pid;
  },
  "hand-written DataView": () => {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += handWritten(v, o).pid;
  },
  "binary-parser": () => {
    for (let i = 0, o = 0; i < N; i++, o += SIZE) sink += parser.parse(bytes.subarray(o, o + SIZE)).pid;
  },
};

const rate = {};
for (const run of Object.values(runs)) run(); // warm up every one before timing any
for (const [name, run] of Object.entries(runs)) {
  const times = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  rate[name] = N / times[Math.floor(ROUNDS / 2)];
}
console.log(`decode: ${N} records of struct probe_event (${SIZE} bytes), median of ${ROUNDS} rounds`);
for (const [name, r] of Object.entries(rate)) console.log(`  ${name.padEnd(24)} ${(r / 1e6).toFixed(2)} M records/s`);
const g = rate["abidrift generated"];
console.log(`  generated / binary-parser: ${(g / rate["binary-parser"]).toFixed(2)}x (bar 1.5x)`);
console.log(`  generated / hand-written:  ${(g / rate["hand-written DataView"]).toFixed(2)}x (bar 0.8x)`);
if (sink === 0.5) console.log(sink);
