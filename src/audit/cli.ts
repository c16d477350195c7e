import { writeFile } from "node:fs/promises";
import type { AuditCliOptions } from "../cli/commands/audit.js";
import { progressBar } from "../cli/progress.js";
import { AUDIT_REPORTERS, DEFAULT_OUTPUT } from "../report/audit/index.js";
import { audit } from "./run.js";
import { count } from "../report/words.js";

/** `abidrift audit`: write the report, say where, and exit 1 when check would. */
export async function runAudit(paths: string[], opts: AuditCliOptions): Promise<void> {
  const bar = progressBar(process.stderr);
  const inv = await audit({ paths, ...(opts.config ? { config: opts.config } : {}), onProgress: bar.update }).finally(() => bar.end());
  const report = AUDIT_REPORTERS[opts.format](inv);
  const output = opts.output ?? DEFAULT_OUTPUT[opts.format];
  if (output === "-") {
    process.stdout.write(report);
  } else {
    await writeFile(output, report);
    const f = inv.summary.findings;
    process.stdout.write(`abidrift: audit written to ${output}: ${count(f.error, "error")}, ${count(f.warning, "warning")}, ${count(f.note, "note")}, ${count(inv.summary.structs, "shared struct")}\n`);
  }
  for (const n of inv.notes) process.stderr.write(`abidrift: note: ${n}\n`);
  process.exitCode = inv.summary.exitStatus;
}
