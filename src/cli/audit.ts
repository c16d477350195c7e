import { writeFile } from "node:fs/promises";
import { audit, AUDIT_DEFAULT_OUTPUT, count, formatAudit } from "../index.js";
import type { AuditCliOptions } from "./commands/audit.js";
import { writeNotes } from "./notes.js";
import { progressBar } from "./progress.js";

/** `abidrift audit`: write the report, say where, and exit 1 when check would. */
export async function runAudit(paths: string[], opts: AuditCliOptions): Promise<void> {
  const bar = progressBar(process.stderr);
  const inv = await audit({ paths, ...(opts.config ? { config: opts.config } : {}), ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}), onProgress: bar.update }).finally(() => bar.end());
  const report = await formatAudit(opts.format, inv);
  const output = opts.output ?? AUDIT_DEFAULT_OUTPUT[opts.format];
  if (output === "-") {
    process.stdout.write(report);
  } else {
    await writeFile(output, report);
    const f = inv.summary.findings;
    process.stdout.write(`abidrift: audit written to ${output}: ${count(f.error, "error")}, ${count(f.warning, "warning")}, ${count(f.note, "note")}, ${count(inv.summary.structs, "shared struct")}\n`);
  }
  writeNotes(inv.notes, opts.verbose === true);
  process.exitCode = inv.summary.exitStatus;
}
