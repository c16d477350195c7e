import { Command, InvalidArgumentError, Option } from "commander";
import { TARGET_NAMES } from "../../ir/targets.js";
import { DEFAULT_PYTHON, formatPython, parsePythonVersion, type PythonVersion } from "../../ir/layout/ctypes.js";

export interface LayoutOptions {
  type?: string[];
  format: "text" | "json";
  target?: string;
  include: string[];
  define: string[];
  btf?: string;
  baseBtf?: string;
  cachelines?: boolean;
  cachelineSize: number;
  pythonVersion?: PythonVersion;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerLayout(program: Command): void {
  program
    .command("layout")
    .description("print the memory layout of every struct and union in a BPF object, BTF file, C, Go or Python source")
    .argument("<file>", "ELF object or binary with embedded BPF objects, raw BTF (/sys/kernel/btf/vmlinux), .c/.h, .go, .py")
    .option("-t, --type <name...>", "only these types (`dns_key` or `struct dns_key`)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(new Option("--target <target>", "machine to lay source out for (Go arch names work too)").choices([...TARGET_NAMES, "amd64", "arm64", "386", "arm"]))
    .option("-I, --include <dir>", "C include directory (repeatable)", collect, [])
    .option("-D, --define <name=value>", "C macro definition (repeatable)", collect, [])
    .option("--btf <file>", "BTF that resolves kernel types C source leaves out (default /sys/kernel/btf/vmlinux)")
    .option("--base-btf <file>", "base BTF of a split BTF file (default for /sys/kernel/btf/<module>: vmlinux)")
    .option("--python-version <x.y>", `CPython whose ctypes rules lay out a .py file (default ${formatPython(DEFAULT_PYTHON)})`, pythonVersionArg)
    .option("--cachelines", "mark cacheline boundaries")
    .option("--cacheline-size <bytes>", "cacheline size", (v) => positiveInt(v, "--cacheline-size"), 64)
    .action(async (file: string, opts: LayoutOptions) => {
      const { runLayout } = await import("../layout.js");
      await runLayout(file, opts);
    });
}

export function pythonVersionArg(value: string): PythonVersion {
  const v = parsePythonVersion(value);
  if (!v) throw new InvalidArgumentError(`--python-version takes a CPython release such as 3.11 (3.6 on), not "${value}"`);
  return v;
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} takes a positive whole number, not "${value}"`);
  return n;
}
