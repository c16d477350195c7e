import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { programStem } from "../check/c-locate.js";
import { CONFIG_FILE, DEFAULT_CONFIG, loadConfig } from "../check/config.js";
import { discover, kindOf } from "../check/discover.js";
import type { BpfModule } from "../ir/bindings.js";
import { InputError } from "../ir/errors.js";
import { readBpfObjects } from "../readers/object/index.js";
import type { DriftSide } from "./findings.js";
import { parseLock } from "./lock.js";
import { snapshot } from "./snapshot.js";
import { isBpfElf } from "../readers/elf/index.js";
import type { CText, TreeFile } from "./bpf-source.js";
import { readTree } from "./tree.js";
import { mapBounded, PROCESSES_IN_FLIGHT } from "../load/bounded.js";
import { readInputFile } from "../load/input-file.js";

// One side of a comparison: a lock file, a BPF object, a C source, a
// directory, or `git:REV`, the tree at a revision read out of git's object
// store (no checkout, nothing run). Every side becomes a snapshot.

export interface LoadedSide extends DriftSide {
  /** C sources of the side, for moving object spans to their lines. */
  sources: CText[];
  modules: BpfModule[];
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
    // The directory's config picks its files, as it does for check: a
    // snapshot and the check after it must read the same tree.
    const config = (await loadConfig(join(spec, CONFIG_FILE))) ?? DEFAULT_CONFIG;
    const base = resolve(spec);
    const { files: found } = await discover([spec], { include: config.include, exclude: config.exclude, base });
    const files = found.map((f) => ({ path: f.path, bytes: readInputFile(f.path) }));
    return fromTree(files, spec, config.includeDirs.map((d) => resolve(base, d)));
  }
  const bytes = readInputFile(spec);
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
  const names = (await readdir(dir)).filter((n) => kindOf(n) === "c" && programStem(join(dir, n)) === programStem(object));
  return names.map((n) => ({ path: join(dir, n), bytes: readInputFile(join(dir, n)) }));
}

async function fromTree(files: TreeFile[], what: string, includeDirs: readonly string[] = []): Promise<LoadedSide> {
  const { modules, sources } = await readTree(files, what, includeDirs);
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
  const paths = listing.split("\0").filter((p) => p && kindOf(p) !== undefined && (kindOf(p) === "object" || kindOf(p) === "c" || kindOf(p) === "python"));
  const files = await mapBounded(paths, PROCESSES_IN_FLIGHT, async (p) => ({ path: p, bytes: new Uint8Array(await git(["cat-file", "blob", `${commit}:./${p}`], `${spec}:${p}`, "cannot read from git")) }));
  const side = await fromTree(files, spec);
  // Spans in a revision name the revision, so nobody opens today's file at yesterday's line.
  const name = (l: { file: string }) => ({ ...l, file: `${spec}:${l.file}` });
  return {
    ...side,
    snapshot: { lock: side.snapshot.lock, locs: new Map([...side.snapshot.locs].map(([k, v]) => [k, name(v)])) },
    sources: side.sources.map((s) => ({ ...s, file: `${spec}:${s.file}` })),
  };
}
