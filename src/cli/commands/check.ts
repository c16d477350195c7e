import { Command, InvalidArgumentError, Option } from "commander";
import type { Concurrency, PythonVersion } from "../../index.js";
import { pythonVersionArg } from "./layout.js";

export interface CheckCliOptions {
  /** Every note, not the first few and a count. */
  verbose?: boolean;
  format: "text" | "json" | "sarif" | "github";
  config?: string;
  explain?: boolean;
  output?: string;
  /** A lock file's path, or false after --no-lock. */
  lock?: string | false;
  updateLock?: boolean;
  pythonVersion?: PythonVersion;
  concurrency?: Concurrency;
}

// A thread each is a tree-sitter and a header cache: beyond this, memory grows and little else does.
const MAX_THREADS = 64;

/** `--concurrency`: `auto`, `off`, or how many threads parse C and Go besides the main one. */
export function concurrencyArg(value: string): Concurrency {
  if (value === "auto" || value === "off") return value;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_THREADS)) throw new InvalidArgumentError(`--concurrency takes auto, off or a number of threads from 1 to ${MAX_THREADS}, not "${value}"`);
  return n;
}

export const CONCURRENCY_HELP = "threads that parse C and Go besides the main one, which parses too: a number, off, or auto (one per core but one, up to 3, for a tree with 48 or more BPF sources and Go files)";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check that userspace twins (Go, Python, TypeScript) agree with the BPF side's types and maps, and the BPF side with its lock; exit 1 on errors")
    .argument("[paths...]", "repositories, directories or files (default: the current directory)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif", "github"]).default("text"))
    .option("-c, --config <file>", "config file (default: abidrift.config.json in the first path)")
    .option("--explain", "list every pair of a C type or map with its twin, and why they were paired")
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--lock <file>", "lock to compare the tree against (default: abidrift.lock.json beside the config or in the first path)")
    .option("--no-lock", "do not compare against a lock")
    .option("--python-version <x.y>", "CPython whose ctypes rules lay out the Python twins (default: the config's python.version, else 3.11)", pythonVersionArg)
    .option("--verbose", "list every note on inputs read in part, not only their count")
    .option("--concurrency <n|auto|off>", CONCURRENCY_HELP, concurrencyArg)
    .option("--update-lock", "accept the tree's ABI: write it to the lock, and report what changed as accepted rather than as findings")
    .action(async (paths: string[], opts: CheckCliOptions) => {
      const { runCheck } = await import("../check.js");
      await runCheck(paths, opts);
    });
}
