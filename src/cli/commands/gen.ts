import { Command, Option } from "commander";
import { TARGET_NAMES } from "../../ir/targets.js";

export interface GenTsOptions {
  type: string[];
  output?: string;
  camelCase?: boolean;
  rawChars?: boolean;
  target?: string;
  include: string[];
  define: string[];
  btf?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerGen(program: Command): void {
  const gen = program.command("gen").description("generate code from the C truth");
  gen
    .command("ts")
    .description("TypeScript decoders and encoders for C structs and unions, one module per type")
    .argument("<source>", "BPF object (BTF), raw BTF, C source/header, or abidrift.lock.json")
    .requiredOption("-t, --type <name>", "type to generate (`probe_event`, `struct probe_event`, a typedef; repeatable)", collect, [])
    .option("-o, --output <path>", "file (one type) or directory (one module per type); stdout when absent")
    .option("--camel-case", "camelCase member names instead of C's")
    .option("--raw-chars", "char arrays as Uint8Array views instead of strings")
    .addOption(new Option("--target <target>", "machine to lay C source out for (default bpfel)").choices([...TARGET_NAMES, "amd64", "arm64", "386", "arm"]))
    .option("-I, --include <dir>", "C include directory (repeatable)", collect, [])
    .option("-D, --define <name=value>", "C macro definition (repeatable)", collect, [])
    .option("--btf <file>", "BTF that resolves kernel types C source leaves out")
    .action(async (source: string, opts: GenTsOptions) => {
      const { runGenTs } = await import("../gen.js");
      await runGenTs(source, opts);
    });
}
