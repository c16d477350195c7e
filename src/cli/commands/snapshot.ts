import type { Command } from "commander";

export interface SnapshotOptions {
  output?: string;
}

export function registerSnapshot(program: Command): void {
  program
    .command("snapshot")
    .description("record every BPF map and shared type with its layout in abidrift.lock.json")
    .argument("[dir]", "repository or directory (default: the current directory)", ".")
    .option("-o, --output <file>", "lock file to write (default: DIR/abidrift.lock.json; - for stdout)")
    .action(async (dir: string, opts: SnapshotOptions) => {
      const { runSnapshot } = await import("../snapshot.js");
      await runSnapshot(dir, opts);
    });
}
