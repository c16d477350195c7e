import { ruleDocsUrl } from "../../rules/docs-url.js";
import type { Finding } from "../../rules/finding.js";
import type { ReportContext } from "./context.js";
import { fixOf, formatLoc, messageOf, otherLocation, primary, sortFindings } from "./words.js";
import { count } from "../../words.js";

const ANSI = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/** Findings grouped by the file they are reported in, each with both spans and its fix. */
export function textReport(findings: readonly Finding[], ctx: ReportContext): string {
  const paint = (style: keyof typeof ANSI, s: string): string => (ctx.color ? `\x1b[${ANSI[style]}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  if (ctx.explain) {
    lines.push(paint("bold", "pairs"));
    if (ctx.pairs.length === 0) lines.push("  (none)");
    for (const p of ctx.pairs) {
      const c = p.c.loc ? `${p.c.name} (${formatLoc(p.c.loc)})` : p.c.name;
      const label = p.kind === "map" ? `map ${p.twin.name}` : p.twin.name;
      lines.push(`  ${label} (${formatLoc(p.twin.loc)}) <-> ${c}`, `    ${paint("dim", p.reason)}`);
    }
    lines.push("");
  }
  let current: string | undefined;
  const counts = { error: 0, warning: 0, note: 0 };
  for (const f of sortFindings(findings)) {
    counts[f.severity]++;
    const at = primary(f);
    const file = at?.file ?? "(no file)";
    if (file !== current) {
      if (current !== undefined) lines.push("");
      lines.push(paint("bold", file));
      current = file;
    }
    const pos = at?.line !== undefined ? `${at.line}:${at.column ?? 0}` : "";
    const sev = paint(f.severity === "error" ? "red" : f.severity === "warning" ? "yellow" : "cyan", f.severity);
    lines.push(`  ${pos}  ${sev}  ${messageOf(f)}  ${paint("dim", f.code)}`);
    for (const other of f.locations.slice(1)) {
      lines.push(`      ${paint("dim", otherLocation(other, ctx))}`);
    }
    const fix = fixOf(f);
    if (fix) lines.push(`      fix: ${fix}`);
    if (ctx.explain) lines.push(`      ${paint("dim", `docs: ${ruleDocsUrl(f.code)}`)}`);
  }
  // Notes (compatible drift) are worth reading but are no problem: a run with only notes passes.
  const problems = counts.error + counts.warning;
  const notes = counts.note ? `, ${count(counts.note, "note")}` : "";
  if (problems + counts.note > 0) lines.push("");
  const summary =
    problems === 0
      ? `no problems (${count(ctx.files.bpf, "BPF input")}, ${count(ctx.files.user, "userspace file")}, ${count(ctx.pairs.filter((p) => !p.candidate).length, "pair")}${notes})`
      : `${count(problems, "problem")} (${count(counts.error, "error")}, ${count(counts.warning, "warning")}${notes})`;
  lines.push(problems === 0 ? summary : paint(counts.error ? "red" : "yellow", summary));
  return `${lines.join("\n")}\n`;
}
