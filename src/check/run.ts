import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { BpfModule, LayoutMode, RecordEmit, Suppression, UserspaceModule } from "../ir/bindings.js";
import { compareWithLock } from "../drift/rules.js";
import { LOCK_FILE, lockDir, parseLock, type Lock } from "../drift/lock.js";
import { snapshot, type Snapshot } from "../drift/snapshot.js";
import { BPF_MARKERS, readTree } from "../drift/tree.js";
import { keepUnbuiltGlobals, keptNote } from "../drift/unbuilt.js";
import { InputError } from "../ir/errors.js";
import type { TypeGraph } from "../ir/graph.js";
import type { PythonVersion } from "../ir/layout/ctypes.js";
import type { SourceLoc } from "../ir/types.js";
import { TARGETS, type Target } from "../ir/targets.js";
import { readInputFile } from "../load/input-file.js";
import { fsProblem } from "../load/layout-sources.js";
import { readBpfObjects } from "../readers/object/index.js";
import { describeReason, pair, type Pairing } from "../match/pair.js";
import type { PairSummary } from "../report/findings/context.js";
import type { Finding } from "../rules/finding.js";
import { RULES } from "../rules/index.js";
import type { ClockKeyWrite, RuleContext } from "../rules/rule.js";
import { escape, findDeclaration, locateInSource, programStem, SourceIndex } from "./c-locate.js";
import { findClockKeys } from "./clock-keys.js";
import { CONFIG_FILE, DEFAULT_CONFIG, loadConfig, type Config } from "./config.js";
import { discover, type Discovered } from "./discover.js";
import { reader } from "./readers.js";
import { isSilenced, scanSuppressions, type Silenced } from "./suppress.js";
import { HeaderCache } from "../readers/c/header-cache.js";
import { sourceModule, unlaidRecords } from "../readers/c/module.js";
import { findRecordEmits } from "../readers/c/records.js";
import { splitCName } from "../match/names.js";
import { FILES_IN_FLIGHT, mapBounded } from "../load/bounded.js";
import { readTreeBuild, treeRootOf, type BuildFlags, type TreeBuild } from "../load/include-paths.js";
import { MissingHeaders } from "./header-notes.js";
import { bpf2goSources, objectBuilds } from "./object-builds.js";
import { regenerateFixes } from "./generated-fixes.js";
import { holdsBpfObjects } from "../readers/object/index.js";

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
  /** What was read: the audit's inventory is built from these. */
  bpf: BpfModule[];
  user: UserspaceModule[];
  /** The userspace targets twins were laid out for (the config's, or the defaults). */
  targets: { base: Target; narrow: Target[] };
  /** The tree's ABI, when a lock was compared or a snapshot asked for. */
  lock?: { file: string; previous?: Lock; now: Snapshot };
}

/** Called after each file is read; a progress bar listens. */
export type OnProgress = (done: number, total: number, file: string) => void;

export interface CheckOptions {
  /** Files and directories to check; the working directory when empty. */
  paths: readonly string[];
  /** Path of the config; by default abidrift.config.json in the first directory given. */
  config?: string;
  onProgress?: OnProgress;
  /**
   * The lock to compare the tree against, or false for none. By default
   * abidrift.lock.json beside the config, else in the first path, when it exists.
   */
  lock?: string | false;
  /** Take the tree's ABI even when there is no lock yet (`--update-lock`). */
  snapshot?: boolean;
  /** `--python-version`: before the config's `python.version`. */
  python?: PythonVersion;
}

/** Where a check's lock is and what it says; `lock` undefined when there is none yet. */
export interface LockInput {
  file: string;
  lock?: Lock;
  /** Snapshot the tree even without a lock. */
  snapshot: boolean;
}

/** Discovers and reads a repository, then checks it. */
export async function check(opts: CheckOptions): Promise<CheckResult> {
  const paths = opts.paths.length ? opts.paths : ["."];
  // The config and the lock sit in the first path, or beside it when it is a file.
  const root = await lockDir(paths[0]!);
  const configPath = opts.config ?? join(root, CONFIG_FILE);
  const config = (await loadConfig(configPath)) ?? (opts.config ? missingConfig(opts.config) : DEFAULT_CONFIG);
  const base = config.file ? dirname(resolve(config.file)) : resolve(root);
  const found = await discover(paths, { include: config.include, exclude: config.exclude, base });
  const files = await mapBounded(found, FILES_IN_FLIGHT, async (f) => ({ ...f, bytes: await readInputFile(f.path) }));
  const lock = await readLockOption(opts, config.file ? dirname(config.file) : root);
  const build = readTreeBuild(files, treeRootOf(root));
  const result = await checkFiles(files, { ...config, ...(opts.python ? { python: opts.python } : {}), includeDirs: config.includeDirs.map((d) => resolve(base, d)) }, opts.onProgress, lock, build);
  // A CI gate pointed at the wrong path must fail, not pass having compared nothing.
  if (result.files.bpf === 0 && !lock?.lock) throw new InputError(paths.join(", "), "no BPF input found: no BPF object, BPF C source or BCC program here");
  return result;
}

async function readLockOption(opts: CheckOptions, dir: string): Promise<LockInput | undefined> {
  if (opts.lock === false) return undefined;
  const file = opts.lock ?? join(dir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a lock asked for by name must exist; a default one may not, and
    // --update-lock writes the first.
    const absent = code === "ENOENT" || (code === "ENOTDIR" && opts.lock === undefined);
    if (absent && (opts.snapshot || opts.lock === undefined)) return opts.snapshot ? { file, snapshot: true } : undefined;
    throw new InputError(file, fsProblem(e));
  }
  return { file, lock: parseLock(text, file), snapshot: opts.snapshot === true };
}

/**
 * Each object's records: its C says which record goes to which buffer, its
 * BTF has the record types, unless the program only ever reached them
 * through a pointer. Then the source is read for them, once per byte order,
 * and the lock's reading of the tree takes the bpfel one as it is.
 */
async function readRecords(
  bpf: readonly BpfModule[],
  cSources: readonly { file: string; text: string }[],
  flagsOf: (file: string, text: string) => BuildFlags,
  readFrom: Map<string, BpfModule[]>,
  notes: string[],
  sites: Map<string, RecordEmit[]>,
  headers: HeaderCache,
): Promise<void> {
  const sourceReads = new Map<string, BpfModule | undefined>();
  const index = new SourceIndex(cSources);
  for (const m of bpf) {
    if (m.origin !== "btf" || m.records) continue;
    const src = index.sourceFor(m.file);
    if (!src) continue;
    let records = sites.get(src.file);
    if (!records) sites.set(src.file, (records = await findRecordEmits(src.file, src.text)));
    m.records = records;
    if (records.every((r) => !r.type || m.graph.find(splitCName(r.type).name).length > 0)) continue;
    const target = m.graph.target;
    const key = `${src.file}\0${target.name}`;
    if (!sourceReads.has(key)) {
      try {
        const readC = await reader("c");
        const flags = flagsOf(src.file, src.text);
        const read = sourceModule(await readC(src.file, { target, includeDirs: [dirname(src.file), ...flags.includeDirs], defines: flags.defines, files: { [src.file]: src.text }, headers }));
        sourceReads.set(key, read);
        if (target.name === TARGETS.bpfel.name && !readFrom.has(src.file)) readFrom.set(src.file, [read]);
      } catch (e) {
        // The object still stands; only the records it lacks stay unpaired.
        if (!(e instanceof InputError)) throw e;
        sourceReads.set(key, undefined);
        notes.push(`${src.file}: record types are not in ${m.file}'s BTF and the source cannot be read: ${e.detail}`);
      }
    }
    const read = sourceReads.get(key);
    if (read) m.source = read;
  }
}

function missingConfig(path: string): never {
  throw Object.assign(new Error(`${path}: no such file`), { code: "ENOENT", path });
}

/** Checks files already in memory. */
export async function checkFiles(files: readonly InputFile[], config: Config = DEFAULT_CONFIG, onProgress?: OnProgress, lockInput?: LockInput, build?: TreeBuild): Promise<CheckResult> {
  const notes: string[] = [];
  const silenced = new Map<string, Silenced>();
  const bpf: BpfModule[] = [];
  const user: UserspaceModule[] = [];
  const clockKeys: ClockKeyWrite[] = [];
  const sites = new Map<string, RecordEmit[]>();
  const decoder = new TextDecoder();
  // The config's include directories stand instead of the ones the build names.
  const tree = build ?? readTreeBuild(files, ".");
  const flagsOf = (file: string, text: string): BuildFlags => (config.includeDirs.length ? { includeDirs: config.includeDirs, defines: {} } : tree.flagsFor(file, text));
  const missingHeaders = new MissingHeaders();
  // Every program includes the same vmlinux.h: read and parsed once for this run.
  const headers = new HeaderCache();

  const cSources: { file: string; text: string }[] = [];
  // BCC tools carry their C in strings: its declarations count like a C file's.
  const carriedC = new Map<string, string>();
  const objects = files.filter((f) => f.kind === "object" && holdsBpfObjects(f.bytes, f.path));
  // The BPF modules read from each object and source, so the lock's reading
  // of the tree below reads none of them again.
  const readFrom = new Map<string, BpfModule[]>();
  let done = 0;
  const progress = (file: string): void => onProgress?.(++done, files.length, file);
  for (const f of objects) {
    const modules = readBpfObjects(f.bytes, f.path);
    readFrom.set(f.path, modules);
    bpf.push(...modules);
    progress(f.path);
  }
  const built = new Set(objects.map((f) => programStem(f.path)));
  const builtByBpf2go = bpf2goSources(objects.map((f) => f.path), tree.bpf2go);

  for (const f of files) {
    if (objects.includes(f)) continue;
    // One file that cannot be read (a userspace C test whose header is elsewhere) is a note, not the end of the run.
    try {
      await readSource(f);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notes.push(e.message);
      readFrom.set(f.path, []);
    }
    progress(f.path);
  }
  async function readSource(f: InputFile): Promise<void> {
    if (f.kind === "object") return;
    const text = decoder.decode(f.bytes);
    if (f.kind === "c") {
      silenced.set(f.path, scanSuppressions(text));
      if (!BPF_MARKERS.test(text) && !tree.builtByBpf2go(f.path)) return;
      cSources.push({ file: f.path, text });
      clockKeys.push(...(await findClockKeys(f.path, text)));
      // Found now, while the text's syntax tree is at hand.
      sites.set(f.path, await findRecordEmits(f.path, text));
      if (f.path.endsWith(".h") || built.has(programStem(f.path)) || builtByBpf2go.has(resolve(f.path)) || tree.includedElsewhere(f.path)) return;
      const readC = await reader("c");
      const flags = flagsOf(f.path, text);
      const r = await readC(f.path, { target: TARGETS.bpfel, includeDirs: [dirname(f.path), ...flags.includeDirs], defines: flags.defines, files: { [f.path]: text }, partial: true, headers });
      const m = sourceModule(r);
      for (const p of missingHeaders.take(f.path, r.problems)) notes.push(`${p.file}:${p.line}: ${p.message}`);
      for (const u of unlaidRecords(r)) notes.push(`${f.path}:${u.line}: ${u.name} not laid out, so not compared: ${u.why}`);
      readFrom.set(f.path, [m]);
      bpf.push(m);
      return;
    }
    const read = await reader(f.kind);
    const m = await read(f.path, text, config.python ? { python: config.python } : {});
    user.push(m);
    silenced.set(f.path, fromModule(m.suppressions));
    bpf.push(...(m.embeddedBpf ?? []));
    if (f.kind === "python") readFrom.set(f.path, m.embeddedBpf ?? []);
    if (m.embeddedBpf?.length) carriedC.set(f.path, text);
    for (const p of m.problems) notes.push(`${p.loc.file}:${p.loc.line ?? 0}: ${p.message}`);
  }

  await readRecords(bpf, cSources, flagsOf, readFrom, notes, sites, headers);
  notes.push(...missingHeaders.notes());
  const builds = await objectBuilds(bpf, cSources, tree, flagsOf, headers);

  const pairing = pair(bpf, user, config.pairs);
  // A map the preprocessor left out of this build (`#ifdef METRICS`) is still declared in the tree.
  pairing.unknownMaps = pairing.unknownMaps.filter(({ user: u, ref }) => !cSources.some((c) => declaresMap(c.text, ref.name)) && !declaresMap(carriedC.get(u.file) ?? "", ref.name));
  const { baseTarget, narrowTargets } = targetsOf(config);
  const layouts = new Map<UserspaceModule, Map<string, TypeGraph>>();
  const ctx: RuleContext = {
    bpf,
    user,
    pairing,
    baseTarget,
    narrowTargets,
    clockKeys,
    builds,
    layout(u: UserspaceModule, target: Target, mode: LayoutMode): TypeGraph {
      let byKey = layouts.get(u);
      if (!byKey) layouts.set(u, (byKey = new Map()));
      const key = `${target.name}/${mode}`;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = u.layout(target, mode)));
      return g;
    },
  };

  // The lock is compared with the tree as snapshot reads it, not with the
  // modules the other rules see, so a fresh snapshot checks clean.
  let lock: CheckResult["lock"];
  if (lockInput?.lock || lockInput?.snapshot) {
    const tree = await readTree(files.filter((f) => f.kind === "object" || f.kind === "c" || f.kind === "python"), dirname(lockInput.file), config.includeDirs, readFrom, headers);
    let now = snapshot(tree.modules);
    if (lockInput.lock) {
      const k = keepUnbuiltGlobals(lockInput.lock, now, tree.modules);
      now = k.now;
      if (k.kept.length) notes.push(keptNote(k.kept, lockInput.file));
      compareWithLock(ctx, { file: lockInput.file, lock: lockInput.lock, now });
    }
    lock = { file: lockInput.file, ...(lockInput.lock ? { previous: lockInput.lock } : {}), now };
  }

  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.id];
    if (setting === "off") continue;
    // Located first, so a suppression above the C line of an object's span counts.
    for (const f of locateInSource(rule.check(ctx), cSources)) {
      if (isSilenced(f, silenced)) continue;
      findings.push(setting ? { ...f, severity: setting } : f);
    }
  }
  const texts = new Map(files.filter((f) => f.kind === "go").map((f) => [f.path, decoder.decode(f.bytes)]));
  const result: CheckResult = { findings: regenerateFixes(findings, texts, tree.bpf2go), pairing, pairs: summarize(pairing, cSources), files: { bpf: bpf.length, user: user.length }, notes, bpf, user, targets: { base: baseTarget, narrow: narrowTargets } };
  return lock ? { ...result, lock } : result;
}

/** `} name SEC(".maps")`, `BPF_HASH(name, ...)`, `bpf_map_def SEC("maps/name") name`: a map declaration in C text, whatever the preprocessor makes of it. */
function declaresMap(text: string, name: string): boolean {
  if (!text.includes(name)) return false;
  const n = escape(name);
  return new RegExp(`\\}\\s*${n}\\s+SEC\\(\\s*"\\.?maps|\\bBPF_[A-Z_]+\\(\\s*${n}\\b|SEC\\(\\s*"\\.?maps[^"]*"\\s*\\)\\s*${n}\\b`).test(text);
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

/** The first 64-bit target compares twins; the 32-bit ones feed arch-dependent-type. */
export function targetsOf(config: Config): { baseTarget: Target; narrowTargets: Target[] } {
  if (!config.targets) return { baseTarget: TARGETS.x86_64, narrowTargets: [TARGETS.i386, TARGETS.armhf] };
  const all = config.targets.map((t) => TARGETS[t]);
  const wide = all.filter((t) => t.scalars.pointer.size === 8);
  const narrow = all.filter((t) => t.scalars.pointer.size === 4);
  return { baseTarget: wide[0] ?? all[0]!, narrowTargets: wide.length ? narrow : narrow.slice(1) };
}

function summarize(p: Pairing, sources: readonly { file: string; text: string }[]): PairSummary[] {
  // The C side at its declaration in the source, where the object's source is in the tree.
  const index = new SourceIndex(sources);
  const c = (name: string, loc: SourceLoc | undefined): { name: string; loc?: SourceLoc } => {
    if (!loc || loc.line !== undefined) return loc ? { name, loc } : { name };
    const src = index.sourceFor(loc.file);
    const at = src && findDeclaration(src.text, name);
    return { name, loc: at && src ? { file: src.file, ...at } : loc };
  };
  return [
    ...p.types.map((t) => ({ kind: "type" as const, c: c(t.c.name, t.c.loc), twin: { name: t.twin.name, loc: t.twin.loc }, reason: describeReason(t.reason) })),
    ...p.maps.map((m) => ({
      kind: "map" as const,
      c: c(`map ${m.map.name}`, m.map.loc ?? { file: m.bpf.file }),
      twin: { name: m.ref.name, loc: m.ref.loc },
      reason: `same map name (${m.ref.via})`,
    })),
    // What --explain shows and no rule judges: a name without evidence, a name several programs define.
    ...p.candidates.map((t) => ({ kind: "type" as const, c: c(t.c.name, t.c.loc), twin: { name: t.twin.name, loc: t.twin.loc }, reason: describeReason(t.reason), candidate: true })),
    ...p.unresolved.map((r) => ({
      kind: r.kind,
      c: { name: r.name },
      twin: { name: r.name, loc: r.loc },
      reason: `not paired: ${r.programs.join(", ")} each define it, and nothing says which this file loads`,
      candidate: true,
    })),
  ];
}
