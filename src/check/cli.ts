import { writeFile } from "node:fs/promises";
import type { CheckCliOptions } from "../cli/commands/check.js";
import { DRIFT_CODES } from "../drift/findings.js";
import { writeLock } from "../drift/lock.js";
import { messageOf } from "../report/findings/words.js";
import { REPORTERS } from "../report/findings/index.js";
import type { Finding } from "../rules/finding.js";
import { check, type CheckResult } from "./run.js";
import { VERSION } from "../version.js";
import { count } from "../report/words.js";

const DRIFT = new Set(Object.values(DRIFT_CODES));

/** `abidrift check`: report, and exit 1 when an error-severity finding remains. */
export async function runCheck(paths: string[], opts: CheckCliOptions): Promise<void> {
  if (opts.updateLock && opts.lock === false) {
    process.stderr.write("abidrift: --update-lock writes the lock that --no-lock ignores: give one of them\n");
    process.exitCode = 2;
    return;
  }
  const result = await check({
    paths,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.lock !== undefined ? { lock: opts.lock } : {}),
    ...(opts.updateLock ? { snapshot: true } : {}),
  });
  // Accepted drift is the new lock's content, not a finding.
  const findings = opts.updateLock ? result.findings.filter((f) => !DRIFT.has(f.code)) : result.findings;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = !opts.output && opts.format === "text" && process.stdout.isTTY === true && !noColor;
  const report = REPORTERS[opts.format](findings, {
    pairs: result.pairs,
    color,
    explain: opts.explain === true,
    files: result.files,
    version: VERSION,
  });
  if (opts.updateLock) await updateLock(result, result.findings.filter((f) => DRIFT.has(f.code)));
  if (opts.output) await writeFile(opts.output, report);
  else process.stdout.write(report);
  writeNotes(result.notes, opts.verbose === true);
  process.exitCode = findings.some((f) => f.severity === "error") ? 1 : 0;
}

/** A few notes are read; many (81 on /usr/sbin) would bury the report: then one line counts them. */
const NOTES_IN_FULL = 3;

function writeNotes(notes: readonly string[], verbose: boolean): void {
  if (verbose || notes.length <= NOTES_IN_FULL) {
    for (const n of notes) process.stderr.write(`abidrift: note: ${n}\n`);
    return;
  }
  process.stderr.write(`abidrift: ${count(notes.length, "note")} on inputs read in part (macros not expanded, headers not found, code not parsed); --verbose lists them\n`);
}

/** Writes the tree's ABI to the lock and says, on stderr, what that accepted. */
async function updateLock(result: CheckResult, accepted: readonly Finding[]): Promise<void> {
  const { file, previous, now } = result.lock!;
  await writeLock(file, now.lock);
  const counts = `${now.lock.maps.length} maps, ${now.lock.types.length} types`;
  if (!previous) {
    process.stderr.write(`abidrift: wrote ${file}: ${counts}\n`);
    return;
  }
  if (accepted.length === 0) {
    process.stderr.write(`abidrift: ${file} is up to date: ${counts}\n`);
    return;
  }
  const breaking = accepted.filter((f) => f.code === DRIFT_CODES.breaking).length;
  process.stderr.write(`abidrift: wrote ${file}, accepting ${accepted.length} changes (${breaking} breaking, ${accepted.length - breaking} compatible):\n`);
  for (const f of accepted) process.stderr.write(`  ${f.code}: ${messageOf(f)}\n`);
}
