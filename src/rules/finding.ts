import type { SourceLoc } from "../ir/types.js";

// A finding is plain data: which rule, how bad, which message template and
// the named values that fill it, where (the C side first, then the twin), and
// the line that fixes it. Words are made in one place (report/findings/words.ts).

export type Severity = "error" | "warning" | "note";

/** Values a message template refers to by name: `{{cSize}}`. */
export type FindingData = Record<string, string | number>;

export interface FindingLocation extends SourceLoc {
  /** Which side of the ABI this span is on. */
  role: "c" | "twin";
  /** What is there: `struct dns_key`, `struct dns_key.qname`, `map dns_queries`. */
  symbol?: string;
}

export interface Fix {
  /** What to do, in one sentence with the line to write. */
  description: string;
  /** The exact text to write, where there is one: `_ [4]byte`, `KeySize: 32,`. */
  text?: string;
  /** Where to write it. */
  loc?: SourceLoc;
}

export interface Finding {
  code: string;
  severity: Severity;
  messageId: string;
  data: FindingData;
  locations: FindingLocation[];
  fix?: Fix;
}
