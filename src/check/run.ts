import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { BpfModule, LayoutMode, Suppression, UserspaceModule } from "../ir/bindings.js";
import type { TypeGraph } from "../ir/graph.js";
import { TARGETS, type Target } from "../ir/targets.js";
import { readBpfObjects } from "../readers/object/index.js";
import { describeReason, pair, type Pairing } from "../match/pair.js";
import type { PairSummary } from "../report/findings/context.js";
import type { Finding } from "../rules/finding.js";
import { RULES } from "../rules/index.js";
import type { ClockKeyWrite, RuleContext } from "../rules/rule.js";
import { locateInSource } from "./c-locate.js";
import { findClockKeys } from "./clock-keys.js";
import { CONFIG_FILE, DEFAULT_CONFIG, loadConfig, type Config } from "./config.js";
import { discover, type Discovered } from "./discover.js";
import { reader } from "./readers.js";
import { isSilenced, scanSuppressions, type Silenced } from "./suppress.js";

// A check: read every input, pair userspace with the BPF side, run the rules,
// then apply the config's severities and the suppression comments. Nothing
// read is compiled or run.

/** A file's contents, handed in by the caller (tests) or read from disk. */
export interface InputFile extends Discovered {
  bytes: Uint8Array;
}

export interface CheckResult {
  findings: Finding[];
  pairing: Pairing;
  pairs: PairSummary[];
  files: { bpf: number; user: number };
  /** Userspace files read in part, with why: half-written Go, for one. */
  notes: string[];
}

export interface CheckOptions {
  /** Files and directories to check; the working directory when empty. */
  paths: readonly string[];
  /** Path of the config; by default abidrift.config.json in the first directory given. */
  config?: string;
}

/** Discovers and reads a repository, then checks it. */
export async function check(opts: CheckOptions): Promise<CheckResult> {
  const paths = opts.paths.length ? opts.paths : ["."];
  const configPath = opts.config ?? join(paths[0]!, CONFIG_FILE);
  const config = (await loadConfig(configPath)) ?? (opts.config ? missingConfig(opts.config) : DEFAULT_CONFIG);
  const base = config.file ? dirname(resolve(config.file)) : resolve(paths[0]!);
  const found = await discover(paths, { include: config.include, exclude: config.exclude, base });
  const files = await Promise.all(found.map(async (f) => ({ ...f, bytes: await readFile(f.path) })));
  return checkFiles(files, { ...config, includeDirs: config.includeDirs.map((d) => resolve(base, d)) });
}

function missingConfig(path: string): never {
  throw Object.assign(new Error(`${path}: no such file`), { code: "ENOENT", path });
}

const BPF_MARKERS = /\bSEC\s*\(|bpf_helpers\.h|\bBPF_MAP_TYPE_|\bBPF_(?:HASH|ARRAY|PERCPU_ARRAY|PERCPU_HASH|LRU_HASH|HISTOGRAM|PERF_OUTPUT|RINGBUF_OUTPUT|TABLE|STACK_TRACE)\s*\(/;

/** A file name without the suffixes that say which build of a program it is. */
function stem(path: string): string {
  return join(dirname(path), basename(path).replace(/(_bpfe[lb])?(\.bpf)?\.(o|c)$/, ""));
}

/** Checks files already in memory. */
export async function checkFiles(files: readonly InputFile[], config: Config = DEFAULT_CONFIG): Promise<CheckResult> {
  const notes: string[] = [];
  const silenced = new Map<string, Silenced>();
  const bpf: BpfModule[] = [];
  const user: UserspaceModule[] = [];
  const clockKeys: ClockKeyWrite[] = [];
  const decoder = new TextDecoder();

  const cSources: { file: string; text: string }[] = [];
  const objects = files.filter((f) => f.kind === "object" && isBpfElf(f.bytes));
  for (const f of objects) bpf.push(...readBpfObjects(f.bytes, f.path));
  const built = new Set(objects.map((f) => stem(f.path)));

  for (const f of files) {
    if (f.kind === "object") continue;
    const text = decoder.decode(f.bytes);
    if (f.kind === "c") {
      silenced.set(f.path, scanSuppressions(text));
      if (!BPF_MARKERS.test(text)) continue;
      cSources.push({ file: f.path, text });
      clockKeys.push(...(await findClockKeys(f.path, text)));
      if (f.path.endsWith(".h") || built.has(stem(f.path))) continue;
      const readC = await reader("c");
      const r = await readC(f.path, { target: TARGETS.bpfel, includeDirs: [dirname(f.path), ...config.includeDirs], files: { [f.path]: text } });
      bpf.push({ file: f.path, graph: r.graph, maps: r.maps, origin: "source" });
      continue;
    }
    const read = await reader(f.kind === "go" ? "go" : "python");
    const m = await read(f.path, text, {});
    user.push(m);
    silenced.set(f.path, fromModule(m.suppressions));
    bpf.push(...(m.embeddedBpf ?? []));
    for (const p of m.problems) notes.push(`${p.loc.file}:${p.loc.line ?? 0}: ${p.message}`);
  }

  const pairing = pair(bpf, user, config.pairs);
  const { baseTarget, narrowTargets } = targetsOf(config);
  const layouts = new Map<UserspaceModule, Map<string, TypeGraph>>();
  const ctx: RuleContext = {
    bpf,
    user,
    pairing,
    baseTarget,
    narrowTargets,
    clockKeys,
    layout(u: UserspaceModule, target: Target, mode: LayoutMode): TypeGraph {
      let byKey = layouts.get(u);
      if (!byKey) layouts.set(u, (byKey = new Map()));
      const key = `${target.name}/${mode}`;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = u.layout(target, mode)));
      return g;
    },
  };

  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.id];
    if (setting === "off") continue;
    for (const f of rule.check(ctx)) {
      if (isSilenced(f, silenced)) continue;
      findings.push(setting ? { ...f, severity: setting } : f);
    }
  }
  const sourceOf = (object: string): { file: string; text: string } | undefined => {
    const same = cSources.find((c) => stem(c.file) === stem(object));
    if (same) return same;
    const beside = cSources.filter((c) => dirname(c.file) === dirname(object) && !c.file.endsWith(".h"));
    return beside.length === 1 ? beside[0] : undefined;
  };
  return { findings: locateInSource(findings, sourceOf), pairing, pairs: summarize(pairing), files: { bpf: bpf.length, user: user.length }, notes };
}

function fromModule(list: readonly Suppression[]): Silenced {
  const out: Silenced = new Map();
  for (const s of list) {
    const rules = out.get(s.line);
    // An empty set stands for every rule.
    if (s.rule === undefined) out.set(s.line, new Set());
    else if (!rules) out.set(s.line, new Set([s.rule]));
    else if (rules.size > 0) rules.add(s.rule);
  }
  return out;
}

function isBpfElf(b: Uint8Array): boolean {
  if (b.length < 20 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return false;
  const machine = b[5] === 2 ? (b[18]! << 8) | b[19]! : b[18]! | (b[19]! << 8);
  return machine === 247;
}

/** The first 64-bit target compares twins; the 32-bit ones feed arch-dependent-type. */
export function targetsOf(config: Config): { baseTarget: Target; narrowTargets: Target[] } {
  if (!config.targets) return { baseTarget: TARGETS.x86_64, narrowTargets: [TARGETS.i386, TARGETS.armhf] };
  const all = config.targets.map((t) => TARGETS[t]);
  const wide = all.filter((t) => t.scalars.pointer.size === 8);
  const narrow = all.filter((t) => t.scalars.pointer.size === 4);
  return { baseTarget: wide[0] ?? all[0]!, narrowTargets: wide.length ? narrow : narrow.slice(1) };
}

function summarize(p: Pairing): PairSummary[] {
  return [
    ...p.types.map((t) => ({ kind: "type" as const, c: { name: t.c.name, loc: t.c.loc }, twin: { name: t.twin.name, loc: t.twin.loc }, reason: describeReason(t.reason) })),
    ...p.maps.map((m) => ({
      kind: "map" as const,
      c: { name: `map ${m.map.name}`, loc: m.map.loc ?? { file: m.bpf.file } },
      twin: { name: m.ref.name, loc: m.ref.loc },
      reason: `same map name (${m.ref.via})`,
    })),
  ];
}
