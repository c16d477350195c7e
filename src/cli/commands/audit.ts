import { Command, Option } from "commander";
import type { Concurrency } from "../../index.js";
import { CONCURRENCY_HELP, concurrencyArg } from "./check.js";

export interface AuditCliOptions {
  /** Every note, not the first few and a count. */
  verbose?: boolean;
  format: "html" | "md" | "json";
  config?: string;
  output?: string;
  concurrency?: Concurrency;
}

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description("audit a repository before a release: check's findings plus every map, event, twin and shared struct, as one HTML, Markdown or JSON report; exit 1 on errors")
    .argument("[paths...]", "repositories, directories or files (default: the current directory)")
    .addOption(new Option("-f, --format <format>", "report format").choices(["html", "md", "json"]).default("html"))
    .option("-c, --config <file>", "config file (default: abidrift.config.json in the first path)")
    .option("-o, --output <file>", "where to write the report; - for stdout (default: abidrift-audit.html, .md or .json)")
    .option("--verbose", "list every note on inputs read in part, not only their count")
    .option("--concurrency <n|auto|off>", CONCURRENCY_HELP, concurrencyArg)
    .action(async (paths: string[], opts: AuditCliOptions) => {
      const { runAudit } = await import("../audit.js");
      await runAudit(paths, opts);
    });
}
