import { execFile } from "node:child_process";
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { locateInSource } from "../check/c-locate.js";
import { discover, kindOf } from "../check/discover.js";
import { reader } from "../check/readers.js";
import type { BpfModule } from "../ir/bindings.js";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import { readBpfObjects } from "../readers/object/index.js";
import type { Finding } from "../rules/finding.js";
import type { DriftSide } from "./findings.js";
import { parseLock } from "./lock.js";
import { snapshot } from "./snapshot.js";

// One side of a comparison: a lock file, a BPF object, a C source, a
// directory, or `git:REV`, the tree at a revision read out of git's object
// store (no checkout, nothing run). Every side becomes a snapshot.

export interface TreeFile {
  path: string;
  bytes: Uint8Array;
}

export interface CText {
  file: string;
  text: string;
}

export interface LoadedSide extends DriftSide {
  /** C sources of the side, for moving object spans to their lines. */
  sources: CText[];
  modules: BpfModule[];
}

const BPF_MARKERS = /\bSEC\s*\(|bpf_helpers\.h|\bBPF_MAP_TYPE_|\bBPF_(?:HASH|ARRAY|PERCPU_ARRAY|PERCPU_HASH|LRU_HASH|HISTOGRAM|PERF_OUTPUT|RINGBUF_OUTPUT|TABLE|STACK_TRACE)\s*\(/;

/** A file name without the suffixes that say which build of a program it is. */
function stem(path: string): string {
  return join(dirname(path), basename(path).replace(/(_bpfe[lb])?(\.bpf)?\.(o|c)$/, ""));
}

function isBpfElf(b: Uint8Array): boolean {
  if (b.length < 20 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return false;
  const machine = b[5] === 2 ? (b[18]! << 8) | b[19]! : b[18]! | (b[19]! << 8);
  return machine === 247;
}

/**
 * The BPF modules of a set of files: every BPF object, and every BPF C
 * source no object here was built from (an object's BTF is the compiler's
 * word; the source is read only where there is no object).
 */
export async function readTree(files: readonly TreeFile[], what: string): Promise<{ modules: BpfModule[]; sources: CText[] }> {
  const decoder = new TextDecoder();
  const modules: BpfModule[] = [];
  const objects = files.filter((f) => kindOf(f.path) === "object" && isBpfElf(f.bytes));
  for (const f of objects) modules.push(...readBpfObjects(f.bytes, f.path));
  const built = new Set(objects.map((f) => stem(f.path)));
  const cFiles = files.filter((f) => kindOf(f.path) === "c").map((f) => ({ file: f.path, text: decoder.decode(f.bytes) }));
  const sources = cFiles.filter((c) => BPF_MARKERS.test(c.text));
  const texts = Object.fromEntries(cFiles.map((c) => [c.file, c.text]));
  for (const c of sources) {
    if (c.file.endsWith(".h")) continue;
    const hasObject = built.has(stem(c.file));
    const readC = await reader("c");
    if (!readC) {
      if (hasObject) continue;
      throw new InputError(c.file, "this build has no C source reader: compile the program and compare its object");
    }
    // Types the compiler dropped from an object's BTF (an event only ever
    // reached through a pointer) are still the project's: the source gives
    // them. Where an object exists its layouts win, and a source the reader
    // cannot follow takes nothing away from the object.
    try {
      const r = await readC(c.file, { target: TARGETS.bpfel, includeDirs: [dirname(c.file)], files: texts });
      modules.push({ file: c.file, graph: r.graph, maps: r.maps, origin: "source" });
    } catch (e) {
      if (!(hasObject && e instanceof InputError)) throw e;
    }
  }
  if (modules.length === 0) throw new InputError(what, "no BPF object or BPF C source here");
  return { modules, sources };
}

/** Reads a side as `diff` names it. */
export async function loadSide(spec: string): Promise<LoadedSide> {
  if (spec.startsWith("git:")) return gitSide(spec.slice(4), spec);
  let st;
  try {
    st = await stat(spec);
  } catch {
    throw new InputError(spec, "no such file or directory");
  }
  if (st.isDirectory()) {
    const found = await discover([spec], { include: [], exclude: [], base: resolve(spec) });
    const files = await Promise.all(found.map(async (f) => ({ path: f.path, bytes: await readFile(f.path) })));
    return fromTree(files, spec);
  }
  const bytes = await readFile(spec);
  if (spec.endsWith(".json")) {
    const lock = parseLock(new TextDecoder().decode(bytes), spec);
    return { snapshot: { lock, locs: new Map() }, file: spec, sources: [], modules: [] };
  }
  if (!isBpfElf(bytes) && kindOf(spec) !== "c" && bytes[0] === 0x7f) {
    // A host binary may embed skeleton objects: readBpfObjects finds them.
    return fromModules(readBpfObjects(bytes, spec), [], spec);
  }
  return fromTree([{ path: spec, bytes }, ...(await sourcesBeside(spec))], spec);
}

/** The C source an object was built from, when it sits beside it (`x.bpf.o`, `x.bpf.c`): for lines. */
async function sourcesBeside(object: string): Promise<TreeFile[]> {
  if (kindOf(object) !== "object") return [];
  const dir = dirname(object);
  const names = (await readdir(dir)).filter((n) => kindOf(n) === "c" && stem(join(dir, n)) === stem(object));
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), bytes: await readFile(join(dir, n)) })));
}

async function fromTree(files: TreeFile[], what: string): Promise<LoadedSide> {
  const { modules, sources } = await readTree(files, what);
  return fromModules(modules, sources, what);
}

function fromModules(modules: BpfModule[], sources: CText[], what: string): LoadedSide {
  return { snapshot: snapshot(modules), file: what, sources, modules };
}

const run = promisify(execFile);

async function git(args: string[], what: string, problem: string): Promise<Buffer> {
  try {
    const { stdout } = await run("git", args, { encoding: "buffer", maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } });
    return stdout;
  } catch {
    throw new InputError(what, problem);
  }
}

/** The tree at `rev` under the working directory, read with git ls-tree and cat-file. */
async function gitSide(rev: string, spec: string): Promise<LoadedSide> {
  if (!rev) throw new InputError(spec, "git: needs a revision, as in git:HEAD or git:v1.2.0");
  await git(["rev-parse", "--is-inside-work-tree"], process.cwd(), "not a git repository, so git: sides cannot be read");
  const commit = (await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], spec, "no such revision in this repository")).toString().trim();
  const listing = (await git(["ls-tree", "-r", "-z", "--name-only", commit, "--", "."], spec, "cannot list the tree")).toString();
  const paths = listing.split("\0").filter((p) => p && kindOf(p) !== undefined && (kindOf(p) === "object" || kindOf(p) === "c"));
  const files = await Promise.all(paths.map(async (p) => ({ path: p, bytes: new Uint8Array(await git(["cat-file", "blob", `${commit}:./${p}`], `${spec}:${p}`, "cannot read from git")) })));
  const side = await fromTree(files, spec);
  // Spans in a revision name the revision, so nobody opens today's file at yesterday's line.
  const name = (l: { file: string }) => ({ ...l, file: `${spec}:${l.file}` });
  return {
    ...side,
    snapshot: { lock: side.snapshot.lock, locs: new Map([...side.snapshot.locs].map(([k, v]) => [k, name(v)])) },
    sources: side.sources.map((s) => ({ ...s, file: `${spec}:${s.file}` })),
  };
}

/** Moves object spans in findings to declarations in the side's C sources. */
export function locateFindings(findings: readonly Finding[], sources: readonly CText[]): Finding[] {
  const sourceOf = (object: string): CText | undefined => {
    const same = sources.find((c) => stem(c.file) === stem(object));
    if (same) return same;
    const beside = sources.filter((c) => dirname(c.file) === dirname(object) && !c.file.endsWith(".h"));
    return beside.length === 1 ? beside[0] : undefined;
  };
  return locateInSource(findings, sourceOf);
}
