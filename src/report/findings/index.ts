import type { Finding } from "../../rules/finding.js";
import type { ReportContext } from "./context.js";
import { githubReport } from "./github.js";
import { jsonReport } from "./json.js";
import { sarifReport } from "./sarif.js";
import { textReport } from "./text.js";

export type Reporter = (findings: readonly Finding[], ctx: ReportContext) => string;

export const REPORTERS = { text: textReport, json: jsonReport, sarif: sarifReport, github: githubReport } as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;

export function isReportFormat(s: string): s is ReportFormat {
  return Object.hasOwn(REPORTERS, s);
}

export type { ReportContext, PairSummary } from "./context.js";
export { messageOf, fixOf } from "./words.js";
