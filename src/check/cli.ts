import { writeFile } from "node:fs/promises";
import type { CheckCliOptions } from "../cli/commands/check.js";
import { REPORTERS } from "../report/findings/index.js";
import { check } from "./run.js";

const VERSION = "0.1.0";

/** `abidrift check`: report, and exit 1 when an error-severity finding remains. */
export async function runCheck(paths: string[], opts: CheckCliOptions): Promise<void> {
  const result = await check({ paths, ...(opts.config ? { config: opts.config } : {}) });
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = !opts.output && opts.format === "text" && process.stdout.isTTY === true && !noColor;
  const report = REPORTERS[opts.format](result.findings, {
    pairs: result.pairs,
    color,
    explain: opts.explain === true,
    files: result.files,
    version: VERSION,
  });
  if (opts.output) await writeFile(opts.output, report);
  else process.stdout.write(report);
  for (const n of result.notes) process.stderr.write(`abidrift: note: ${n}\n`);
  process.exitCode = result.findings.some((f) => f.severity === "error") ? 1 : 0;
}
