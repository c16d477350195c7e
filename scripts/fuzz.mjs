#!/usr/bin/env node
// Seeded mutation fuzzing of every source reader and of the lock and config
// files, through the code the CLI runs for them (`layout` of C, Go and Python,
// the TypeScript reader of `check`, the lock and config parsers), in one
// process so that thousands of mutants take minutes. Each mutant must end
// in a result or an InputError (the CLI's one line, exit 2): anything else
// is a crash, printed with the seed and case that give its bytes back.
//
//   npm run fuzz -- --count 10000 [--seed N] [--only c,go,python,ts,lock,config] [--progress]
//
// Prints per reader: mutants run, results, input errors, crashes, the
// slowest mutant and the largest resident memory seen.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dist = (p) => import(join(ROOT, "dist", p));

/** The originals each reader's mutants are made from. */
const CORPUS = {
  c: ["fixtures/c/bitfields.h", "fixtures/c/packed-aligned.h", "fixtures/c/atomic-members.h", "fixtures/bpf/map_kinds.bpf.c", "fixtures/check/dns-key/dns_key.bpf.c"],
  go: ["fixtures/go/types/layouts.go", "fixtures/go/decode/ringbuf.go", "fixtures/check/dns-key/main.go"],
  python: ["fixtures/python/ctypes_forms.py", "examples/dns-monitor/tools/dnstop.py", "fixtures/python/versions/pack_layout.py"],
  ts: ["fixtures/ts/dns-event-decoder.ts", "fixtures/ts/dns-key-parser.ts"],
  lock: ["fixtures/check/drift-clean/abidrift.lock.json", "fixtures/check/drift-break/abidrift.lock.json"],
  config: ["fixtures/fuzz/abidrift.config.json"],
};

const EXT = { c: ".h", go: ".go", python: ".py", ts: ".ts", lock: ".json", config: ".json" };

/** mulberry32, as test/oracles/random.ts: the same seed gives the same mutants. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One mutant of `text`: truncated, a token deleted or duplicated, random bytes, lines swapped or repeated. */
export function mutate(text, r) {
  const int = (n) => Math.floor(r() * n);
  const tokens = text.match(/[A-Za-z_]\w*|\d+|\s+|./gs) ?? [""];
  const roll = int(7);
  if (roll === 0) return { what: "truncate", text: text.slice(0, int(text.length + 1)) };
  if (roll === 1 || roll === 2) {
    const out = tokens.slice();
    for (let k = 1 + int(4); k > 0; k--) {
      const i = int(out.length);
      if (roll === 1) out.splice(i, 1);
      else out.splice(i, 0, out[i] ?? "");
    }
    return { what: roll === 1 ? "delete tokens" : "duplicate tokens", text: out.join("") };
  }
  if (roll === 3) {
    const at = int(text.length + 1);
    const junk = Array.from({ length: 1 + int(16) }, () => String.fromCharCode(int(256))).join("");
    return { what: "random bytes", text: text.slice(0, at) + junk + text.slice(at) };
  }
  if (roll === 4) {
    const open = "([{"[int(3)];
    const at = int(text.length + 1);
    return { what: "deep nesting", text: text.slice(0, at) + open.repeat(200 + int(2000)) + text.slice(at) };
  }
  const lines = text.split("\n");
  const i = int(lines.length);
  const j = int(lines.length);
  if (roll === 5) [lines[i], lines[j]] = [lines[j], lines[i]];
  else lines.splice(i, 0, ...Array.from({ length: 1 + int(50) }, () => lines[j]));
  return { what: roll === 5 ? "swap lines" : "repeat a line", text: lines.join("\n") };
}

async function readers() {
  const { loadLayoutSources } = await dist("load/layout-sources.js");
  const { readCSource } = await dist("readers/c/index.js");
  const { TARGETS } = await dist("ir/targets.js");
  const { readTypeScript } = await dist("readers/ts/index.js");
  const { parseLock } = await dist("drift/lock.js");
  const { loadConfig } = await dist("check/config.js");
  const layout = (target) => (path) => loadLayoutSources(path, { target });
  return {
    // `layout` of C reads the machine's kernel BTF too; the reader alone keeps mutants fast.
    c: (path) => readCSource(path, { target: TARGETS.bpfel }),
    go: layout("amd64"),
    python: layout("x86_64"),
    ts: (path) => readTypeScript(path, readFileSync(path, "utf8"), {}),
    lock: async (path) => parseLock(readFileSync(path, "utf8"), path),
    config: (path) => loadConfig(path),
  };
}

export async function fuzz({ count, seed, only, progress = false }) {
  const { InputError } = await dist("ir/errors.js");
  const run = await readers();
  const dir = mkdtempSync(join(tmpdir(), "abidrift-fuzz-"));
  const report = [];
  // Warnings go to stderr by design; a fuzz run would drown in them.
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    for (const kind of only) {
      const r = rng(seed ^ kind.length * 0x9e3779b9);
      const originals = CORPUS[kind].map((f) => readFileSync(join(ROOT, f), "latin1"));
      const stats = { kind, run: 0, results: 0, inputErrors: 0, crashes: [], slowestMs: 0, maxRssMiB: 0 };
      for (let i = 0; i < count; i++) {
        const m = mutate(originals[i % originals.length], r);
        const path = join(dir, `mutant-${kind}${EXT[kind]}`);
        writeFileSync(path, m.text, "latin1");
        const started = performance.now();
        try {
          await run[kind](path);
          stats.results++;
        } catch (e) {
          if (e instanceof InputError) stats.inputErrors++;
          else stats.crashes.push(`${kind} seed ${seed} case ${i} (${m.what}): ${e instanceof Error ? (e.stack ?? e.message).split("\n").slice(0, 3).join(" | ") : String(e)}`);
        }
        stats.run++;
        stats.slowestMs = Math.max(stats.slowestMs, performance.now() - started);
        if (i % 50 === 0) stats.maxRssMiB = Math.max(stats.maxRssMiB, process.memoryUsage().rss / 2 ** 20);
        if (progress && (i + 1) % 500 === 0) console.log(`${kind}: ${i + 1} of ${count}, ${stats.crashes.length} crashes`);
      }
      report.push(stats);
    }
  } finally {
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const count = Number(arg("count", "200"));
  const seed = Number(arg("seed", String(Date.now() % 2 ** 31))) >>> 0;
  const only = arg("only", Object.keys(CORPUS).join(",")).split(",");
  const report = await fuzz({ count, seed, only, progress: process.argv.includes("--progress") });
  let crashes = 0;
  for (const s of report) {
    crashes += s.crashes.length;
    console.log(`${s.kind}: ${s.run} mutants (seed ${seed}): ${s.results} results, ${s.inputErrors} input errors, ${s.crashes.length} crashes; slowest ${s.slowestMs.toFixed(0)} ms; rss up to ${s.maxRssMiB.toFixed(0)} MiB`);
    for (const c of s.crashes.slice(0, 5)) console.log(`  ${c}`);
  }
  process.exitCode = crashes ? 1 : 0;
}
