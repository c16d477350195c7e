import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { DRIFT_CODES } from "../drift/codes.js";
import { check, findingMessage, formatFindings, writeLock, type CheckResult } from "../jobs/index.js";
import type { Finding } from "../rules/finding.js";
import { VERSION } from "../version.js";
import type { CheckCliOptions } from "./commands/check.js";
import { progressBar } from "./progress.js";
import { writeNotes } from "./notes.js";

const DRIFT = new Set(Object.values(DRIFT_CODES));

/** `abidrift check`: report, and exit 1 when an error-severity finding remains. */
export async function runCheck(paths: string[], opts: CheckCliOptions): Promise<void> {
  if (opts.updateLock && opts.lock === false) {
    process.stderr.write("abidrift: --update-lock writes the lock that --no-lock ignores: give one of them\n");
    process.exitCode = 2;
    return;
  }
  const bar = progressBar(process.stderr);
  const result = await check({
    paths,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.lock !== undefined ? { lock: opts.lock } : {}),
    ...(opts.updateLock ? { snapshot: true } : {}),
    ...(opts.pythonVersion ? { python: opts.pythonVersion } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    onProgress: bar.update,
  }).finally(() => bar.end());
  // Accepted drift is the new lock's content, not a finding.
  const findings = opts.updateLock ? result.findings.filter((f) => !DRIFT.has(f.code)) : result.findings;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const color = !opts.output && opts.format === "text" && process.stdout.isTTY === true && !noColor;
  const report = await formatFindings(opts.format, findings, {
    pairs: result.pairs,
    color,
    explain: opts.explain === true,
    files: result.files,
    version: VERSION,
    sourceLine: sourceLines(),
  });
  if (opts.updateLock) await updateLock(result, result.findings.filter((f) => DRIFT.has(f.code)));
  if (opts.output) await writeFile(opts.output, report);
  else process.stdout.write(report);
  writeNotes(result.notes, opts.verbose === true);
  process.exitCode = findings.some((f) => f.severity === "error") ? 1 : 0;
}

/** Lines of the files a report quotes, each file read once. */
function sourceLines(): (file: string, line: number) => string | undefined {
  const files = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!files.has(file)) {
      try {
        files.set(file, readFileSync(file, "utf8").split("\n"));
      } catch {
        files.set(file, undefined);
      }
    }
    return files.get(file)?.[line - 1];
  };
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
  for (const f of accepted) process.stderr.write(`  ${f.code}: ${await findingMessage(f)}\n`);
}
