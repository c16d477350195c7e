import { Command, Option } from "commander";

export interface DiffOptions {
  /** Every note, not the first few and a count. */
  verbose?: boolean;
  format: "text" | "json" | "sarif" | "github";
  output?: string;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("classify ABI drift between two sides as breaking or compatible; exit 1 on breaking drift")
    .argument("<old>", "lock file, BPF object, C source, directory, or git:REV")
    .argument("<new>", "lock file, BPF object, C source, directory, or git:REV")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif", "github"]).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--verbose", "show every note (a normal run shows the first few and counts the rest)")
    .action(async (old: string, now: string, opts: DiffOptions) => {
      const { runDiff } = await import("../diff.js");
      await runDiff(old, now, opts);
    });
}
