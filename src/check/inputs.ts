import { dirname, join, resolve } from "node:path";
import { lockDir } from "../drift/lock.js";
import { readTreeBuild, treeRootOf, type TreeBuild } from "../load/include-paths.js";
import { readInputFile } from "../load/input-file.js";
import { CONFIG_FILE, DEFAULT_CONFIG, loadConfig, type Config } from "./config.js";
import { discover, type Discovered } from "./discover.js";
import { readLockInput, type LockInput } from "./lock-input.js";

// The first stage of a check: what it reads, found once. The config and the
// lock sit in the first path, or beside it when it is a file; the files are
// the config's selection of the paths; the build (bpf2go lines, Makefiles,
// compile_commands.json) is read once for the whole tree.

/** A file's contents, handed in by the caller (tests) or read from disk. */
export interface InputFile extends Discovered {
  bytes: Uint8Array;
}

export interface Inputs {
  files: InputFile[];
  /** With include directories made absolute. */
  config: Config;
  lock?: LockInput;
  build: TreeBuild;
  /** Rust sources seen and not read. */
  unreadRust: number;
}

export async function readInputs(paths: readonly string[], opts: { config?: string; lock?: string | false; snapshot?: boolean }): Promise<Inputs> {
  const root = await lockDir(paths[0]!);
  const configPath = opts.config ?? join(root, CONFIG_FILE);
  const config = (await loadConfig(configPath)) ?? (opts.config ? missingConfig(opts.config) : DEFAULT_CONFIG);
  const base = config.file ? dirname(resolve(config.file)) : resolve(root);
  const { files: found, unreadRust } = await discover(paths, { include: config.include, exclude: config.exclude, base });
  const files = found.map((f) => ({ ...f, bytes: readInputFile(f.path) }));
  const lock = await readLockInput(opts, config.file ? dirname(config.file) : root);
  const build = readTreeBuild(files, treeRootOf(root));
  return { files, config: { ...config, includeDirs: config.includeDirs.map((d) => resolve(base, d)) }, ...(lock ? { lock } : {}), build, unreadRust };
}

function missingConfig(path: string): never {
  throw Object.assign(new Error(`${path}: no such file`), { code: "ENOENT", path });
}
