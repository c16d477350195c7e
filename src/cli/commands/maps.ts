import { Command, Option } from "commander";

export interface MapsOptions {
  format: "text" | "json";
  target?: string;
  include: string[];
  define: string[];
  btf?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerMaps(program: Command): void {
  program
    .command("maps")
    .description("list the map definitions of a BPF object or BPF C source")
    .argument("<file>", "ELF object, binary with embedded BPF objects, or .c/.h")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-I, --include <dir>", "C include directory (repeatable)", collect, [])
    .option("-D, --define <name=value>", "C macro definition (repeatable)", collect, [])
    .option("--btf <file>", "BTF that resolves kernel types C source leaves out")
    .action(async (file: string, opts: MapsOptions) => {
      const { runMaps } = await import("../maps.js");
      await runMaps(file, opts);
    });
}
