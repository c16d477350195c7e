import type { SourceLoc } from "../ir/types.js";
import type { Finding, FindingLocation } from "../rules/finding.js";
import { classify, type Drift } from "./classify.js";
import { DRIFT_CODES } from "./codes.js";
import type { Lock } from "./lock.js";
import type { Snapshot } from "./snapshot.js";

// Drift as plain findings: the code says the class, the message id the kind,
// the location the C declaration of what changed (the new side's, or the old
// side's for what is gone).

const SEVERITY = { breaking: "error", compatible: "note" } as const;

export interface DriftSide {
  snapshot: Snapshot;
  /** What to blame when a side has no place for a thing: the lock file, the revision. */
  file: string;
}

/** Findings for the drift from `before` to `after`. */
export function findingsOf(drifts: readonly Drift[], before: DriftSide, after: DriftSide): Finding[] {
  return drifts.map((d) => {
    const gone = d.new === "";
    const side = gone ? before : after;
    const symbol = d.member && !d.kind.startsWith("enum-") ? `${d.subject}.${d.member}` : d.subject;
    const loc: SourceLoc = side.snapshot.locs.get(symbol) ?? side.snapshot.locs.get(d.subject) ?? { file: side.file };
    const at: FindingLocation = { role: "c", ...loc, symbol };
    const data: Record<string, string> = { subject: d.subject, old: d.old, new: d.new };
    if (d.member) data.member = d.member;
    if (d.map) data.map = d.map;
    const fix =
      d.class === "breaking"
        ? { description: `restore ${symbol} as it was${d.old ? `, ${d.old},` : ""} or change every reader and accept it with \`abidrift check --update-lock\`` }
        : { description: "accept it with `abidrift check --update-lock`" };
    return { code: DRIFT_CODES[d.class], severity: SEVERITY[d.class], messageId: d.kind, data, locations: [at], fix };
  });
}

/**
 * Drift of a tree from its lock: what `check` reports when the tree has an
 * abidrift.lock.json. Locations point at the modules (objects or sources);
 * a caller with the C sources moves object spans to their lines.
 */
export function driftFindings(lock: Lock, now: Snapshot, lockFile: string): Finding[] {
  const before: DriftSide = { snapshot: { lock, locs: new Map() }, file: lockFile };
  return findingsOf(classify(lock, now.lock), before, { snapshot: now, file: lockFile });
}
