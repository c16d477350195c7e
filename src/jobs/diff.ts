import { classify } from "../drift/classify.js";
import { findingsOf } from "../drift/findings.js";
import { locateInSource, SourceIndex } from "../check/c-locate.js";
import { loadSide } from "../drift/sides.js";
import { keepUnbuiltGlobals, keptNote } from "../drift/unbuilt.js";
import type { Finding } from "../rules/finding.js";

export interface DiffResult {
  /** `abi-break` (error) and `abi-change` (note) findings, at the C lines where they are. */
  findings: Finding[];
  /** What the comparison could not see: maps of a program the new side has only as source. */
  notes: string[];
  /** BPF modules read on both sides, for a report's summary line. */
  files: { bpf: number; user: number };
}

/** Drift between two sides (locks, objects, C sources, directories, `git:REV`), classed breaking or compatible. */
export async function diff(old: string, now: string): Promise<DiffResult> {
  const [before, after] = await Promise.all([loadSide(old), loadSide(now)]);
  const { now: afterNow, kept } = keepUnbuiltGlobals(before.snapshot.lock, after.snapshot, after.modules);
  const drifts = classify(before.snapshot.lock, afterNow.lock);
  // Removed things are found in the old side's sources, the rest in the new side's.
  const findings = locateInSource(locateInSource(findingsOf(drifts, before, after), new SourceIndex(after.sources)), new SourceIndex(before.sources));
  return { findings, notes: kept.length ? [keptNote(kept, old)] : [], files: { bpf: before.modules.length + after.modules.length, user: 0 } };
}
