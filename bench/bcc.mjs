#!/usr/bin/env node
// `abidrift check` of every Python tool of Debian's bpfcc-tools (each in its
// own directory, as in a repository), against CPython merely parsing the
// same files (`ast.parse`): the floor for any reader of them. Bar: the
// check under 10 s on 2 cores. Median of N alternating runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withoutCertBundle } from "./lib/plain-node.mjs";

withoutCertBundle();

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist/cli/main.js");
const SBIN = "/usr/sbin";
const WRAPPED = ["ucalls", "uflow", "ugc", "uobjnew", "ustat", "uthreads"];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

if (!existsSync(SBIN) || !existsSync(cli)) {
  console.log(`skipped: ${existsSync(cli) ? "bpfcc-tools not installed" : "dist/ not built (npm run build)"}`);
  process.exit(0);
}
const tools = readdirSync(SBIN).filter((f) => (f.endsWith("-bpfcc") || WRAPPED.includes(f)) && readFileSync(join(SBIN, f), "utf8").split("\n", 1)[0].includes("python"));
const dir = mkdtempSync(join(tmpdir(), "abidrift-bench-bcc-"));
for (const t of tools) {
  mkdirSync(join(dir, t));
  writeFileSync(join(dir, t, `${t}.py`), readFileSync(join(SBIN, t)));
}
const parse = `import ast, sys\nfor p in sys.argv[1:]:\n    ast.parse(open(p).read())\n`;
const files = tools.map((t) => join(dir, t, `${t}.py`));

function time(cmd, args) {
  const s = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args[0]} failed (${r.status}): ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ours = [];
const python = [];
try {
  for (let i = 0; i < RUNS; i++) {
    ours.push(time(process.execPath, [cli, "check", dir, "--format", "json"]));
    python.push(time("python3", ["-c", parse, ...files]));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const a = median(ours);
const b = median(python);
console.log(`bpfcc-tools: ${tools.length} Python tools, ${RUNS} runs`);
console.log(`abidrift check          ${a.toFixed(0)} ms  (bar 10000 ms: ${a < 10000 ? "met" : "MISSED"})`);
console.log(`python3 ast.parse only  ${b.toFixed(0)} ms`);
console.log(`ratio                   ${(a / b).toFixed(2)}x`);
