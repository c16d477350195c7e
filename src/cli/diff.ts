import { writeFile } from "node:fs/promises";
import { classify } from "../drift/classify.js";
import { findingsOf } from "../drift/findings.js";
import { locateInSource } from "../check/c-locate.js";
import { loadSide } from "../drift/sides.js";
import { keepUnbuiltGlobals, keptNote } from "../drift/unbuilt.js";
import { REPORTERS } from "../report/findings/index.js";
import type { DiffOptions } from "./commands/diff.js";
import { VERSION } from "../version.js";

/** `abidrift diff OLD NEW`: drift as findings, exit 1 when any is breaking. */
export async function runDiff(old: string, now: string, opts: DiffOptions): Promise<void> {
  const [before, after] = await Promise.all([loadSide(old), loadSide(now)]);
  const { now: afterNow, kept } = keepUnbuiltGlobals(before.snapshot.lock, after.snapshot, after.modules);
  if (kept.length) process.stderr.write(`abidrift: note: ${keptNote(kept, old)}\n`);
  const drifts = classify(before.snapshot.lock, afterNow.lock);
  // Removed things are found in the old side's sources, the rest in the new side's.
  const findings = locateInSource(locateInSource(findingsOf(drifts, before, after), after.sources), before.sources);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = !opts.output && opts.format === "text" && process.stdout.isTTY === true && !noColor;
  const report = REPORTERS[opts.format](findings, {
    pairs: [],
    color,
    explain: false,
    files: { bpf: before.modules.length + after.modules.length, user: 0 },
    version: VERSION,
  });
  if (opts.output) await writeFile(opts.output, report);
  else process.stdout.write(report);
  process.exitCode = findings.some((f) => f.severity === "error") ? 1 : 0;
}
