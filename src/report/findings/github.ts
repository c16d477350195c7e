import type { Finding } from "../../rules/finding.js";
import type { ReportContext } from "./context.js";
import { fixOf, messageOf, otherLocation, primary, sortFindings } from "./words.js";

// GitHub Actions workflow commands: one `::error file=…,line=…::message` per
// finding, which the runner turns into annotations on the pull request.

const LEVEL = { error: "error", warning: "warning", note: "notice" } as const;

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function githubReport(findings: readonly Finding[], ctx: ReportContext): string {
  const lines = sortFindings(findings).map((f) => {
    const at = primary(f);
    const props = [`title=${escapeProperty(`abidrift ${f.code}`)}`];
    if (at) {
      props.unshift(`file=${escapeProperty(at.file)}`);
      if (at.line !== undefined) props.splice(1, 0, `line=${at.line}`, ...(at.column !== undefined ? [`col=${at.column}`] : []));
    }
    const others = f.locations.slice(1).map((l) => `\n${otherLocation(l, ctx)}`);
    const fix = fixOf(f);
    const body = `${messageOf(f)}${others.join("")}${fix ? `\nfix: ${fix}` : ""}`;
    return `::${LEVEL[f.severity]} ${props.join(",")}::${escapeData(body)}`;
  });
  return lines.length ? `${lines.join("\n")}\n` : "";
}
