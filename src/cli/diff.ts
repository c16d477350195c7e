import { writeFile } from "node:fs/promises";
import { diff, formatFindings, VERSION } from "../index.js";
import type { DiffOptions } from "./commands/diff.js";
import { writeNotes } from "./notes.js";

/** `abidrift diff OLD NEW`: drift as findings, exit 1 when any is breaking. */
export async function runDiff(old: string, now: string, opts: DiffOptions): Promise<void> {
  const result = await diff(old, now);
  writeNotes(result.notes, opts.verbose === true);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = !opts.output && opts.format === "text" && process.stdout.isTTY === true && !noColor;
  const report = await formatFindings(opts.format, result.findings, { pairs: [], color, explain: false, files: result.files, version: VERSION });
  if (opts.output) await writeFile(opts.output, report);
  else process.stdout.write(report);
  process.exitCode = result.findings.some((f) => f.severity === "error") ? 1 : 0;
}
