import type { SourceLoc } from "../../ir/types.js";

/** A pair as reports show it: both sides and why they were paired. */
export interface PairSummary {
  kind: "type" | "map";
  /** `struct dns_key`, or the map's name. */
  c: { name: string; loc?: SourceLoc };
  twin: { name: string; loc: SourceLoc };
  reason: string;
  /** Shown by --explain but judged by no rule: a name alone, or a name several programs define. */
  candidate?: boolean;
}

export interface ReportContext {
  pairs: readonly PairSummary[];
  /** Whether the reader is a terminal that wants colour (never with NO_COLOR). */
  color: boolean;
  /** List the pairs in text output (`--explain`). */
  explain: boolean;
  /** Files read, by side, for the summary line. */
  files: { bpf: number; user: number };
  version: string;
  /**
   * A line of a file as written, where the caller can read it: C carried in
   * a Python or TypeScript string is quoted beside its location, since the
   * file's own name does not say the line is C.
   */
  sourceLine?: (file: string, line: number) => string | undefined;
}
