import type { BpfModule, UserspaceModule } from "../ir/bindings.js";
import type { PythonVersion } from "../ir/layout/ctypes.js";
import { InputError } from "../ir/errors.js";
import type { Target } from "../ir/targets.js";
import { readTreeBuild, type TreeBuild } from "../load/include-paths.js";
import type { Pairing } from "../match/pair.js";
import type { PairSummary } from "../report/findings/context.js";
import type { Finding } from "../rules/finding.js";
import { compareContext, targetsOf } from "./compare.js";
import { DEFAULT_CONFIG, type Config } from "./config.js";
import { runRules } from "./findings.js";
import { readInputs, type InputFile } from "./inputs.js";
import { link } from "./link.js";
import type { LockInput } from "./lock-input.js";
import type { LockResult } from "./lock.js";
import { summarize } from "./pair-summary.js";
import { readPrograms, type Concurrency } from "./read-programs.js";

// A check is a pipeline, each stage one pass that hands plain data to the
// next: discover the inputs (inputs.ts), read each program in its scope
// (read-programs.ts), link userspace to programs and types on evidence
// (link.ts), compare bytes (compare.ts, and lock.ts against the lock), run
// the rules (findings.ts), report (pair-summary.ts and the reporters).
// Nothing read is compiled or run.

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
  lock?: LockResult;
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
  /** Threads parsing C and Go besides the check's own: `auto` starts them for a big tree. */
  concurrency?: Concurrency;
}

/** What `checkFiles` takes besides the files and the config. */
export interface CheckFilesOptions {
  onProgress?: OnProgress | undefined;
  lock?: LockInput | undefined;
  build?: TreeBuild | undefined;
  concurrency?: Concurrency | undefined;
}

/** Discovers and reads a repository, then checks it. */
export async function check(opts: CheckOptions): Promise<CheckResult> {
  const paths = opts.paths.length ? opts.paths : ["."];
  const inputs = await readInputs(paths, opts);
  const config = opts.python ? { ...inputs.config, python: opts.python } : inputs.config;
  const result = await checkFiles(inputs.files, config, { onProgress: opts.onProgress, lock: inputs.lock, build: inputs.build, concurrency: opts.concurrency });
  const rust = inputs.unreadRust ? `${inputs.unreadRust} Rust file${inputs.unreadRust === 1 ? "" : "s"} not read: abidrift reads no Rust yet, so aya or libbpf-rs programs and their userspace go unchecked` : undefined;
  // A CI gate pointed at the wrong path must fail, not pass having compared nothing.
  if (result.files.bpf === 0 && !inputs.lock?.lock) throw new InputError(paths.join(", "), `no BPF input found: no BPF object, BPF C source or BCC program here${rust ? ` (${rust})` : ""}`);
  return rust ? { ...result, notes: [...result.notes, rust] } : result;
}

/** Checks files already in memory. */
export async function checkFiles(files: readonly InputFile[], config: Config = DEFAULT_CONFIG, opts: CheckFilesOptions = {}): Promise<CheckResult> {
  const { onProgress, lock: lockInput } = opts;
  const tree = opts.build ?? readTreeBuild(files, ".");
  let done = 0;
  const read = await readPrograms(files, config, tree, (file) => onProgress?.(++done, files.length, file), opts.concurrency);
  const pairing = link(read, config.pairs);
  const { baseTarget, narrowTargets } = targetsOf(config);
  const ctx = compareContext(read, pairing, { baseTarget, narrowTargets });
  // The snapshot, and the reading of the tree it takes, load only for a tree with a lock or one to take.
  const locked = lockInput ? await (await import("./lock.js")).compareLock(lockInput, files, read, config.includeDirs, ctx) : {};
  const notes = locked.note ? [...read.notes, locked.note] : read.notes;
  const findings = runRules(ctx, read, config, tree);
  const { bpf, user } = read;
  const result: CheckResult = { findings, pairing, pairs: summarize(pairing, read.sources), files: { bpf: bpf.length, user: user.length }, notes, bpf, user, targets: { base: baseTarget, narrow: narrowTargets } };
  return locked.lock ? { ...result, lock: locked.lock } : result;
}
