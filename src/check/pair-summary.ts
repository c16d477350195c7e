import type { CText } from "../drift/bpf-source.js";
import type { SourceLoc } from "../ir/types.js";
import { describeReason, type Pairing } from "../match/pair.js";
import type { PairSummary } from "../report/findings/context.js";
import { findDeclaration, type SourceIndex } from "./c-locate.js";
import { shownLoc } from "./shown-path.js";

// The pairing in words, as reports and --explain list it: every pair, then
// what no rule judges (a name without evidence, a name several programs
// define). The C side is shown at its declaration in the source, where the
// object's source is in the tree.

export function summarize(p: Pairing, sources: SourceIndex<CText>): PairSummary[] {
  const c = (name: string, loc: SourceLoc | undefined): { name: string; loc?: SourceLoc } => {
    if (!loc || loc.line !== undefined) return loc ? { name, loc: shownLoc(loc) } : { name };
    const src = sources.sourceFor(loc.file);
    const at = src && findDeclaration(src.text, name);
    return { name, loc: shownLoc(at && src ? { file: src.file, ...at } : loc) };
  };
  return [
    ...p.types.map((t) => ({ kind: "type" as const, c: c(t.c.name, t.c.loc), twin: { name: t.twin.name, loc: shownLoc(t.twin.loc) }, reason: describeReason(t.reason) })),
    ...p.maps.map((m) => ({
      kind: "map" as const,
      c: c(`map ${m.map.name}`, m.map.loc ?? { file: m.bpf.file }),
      twin: { name: m.ref.name, loc: shownLoc(m.ref.loc) },
      reason: `same map name (${m.ref.via})${m.alike ? `; defined alike by ${words(m.alike)}` : ""}`,
    })),
    ...p.candidates.map((t) => ({ kind: "type" as const, c: c(t.c.name, t.c.loc), twin: { name: t.twin.name, loc: shownLoc(t.twin.loc) }, reason: describeReason(t.reason), candidate: true })),
    ...p.unresolved.map((r) => ({
      kind: r.kind,
      c: { name: r.name },
      twin: { name: r.name, loc: shownLoc(r.loc) },
      reason: r.differs
        ? `not paired: ${r.programs.join(", ")} each define it, differently (${r.differs}), and nothing says which this file loads`
        : `not paired: ${r.programs.join(", ")} each define it, and nothing says which this file loads`,
      candidate: true,
    })),
  ];
}

/** `a and b`, `a, b and c`. */
function words(list: readonly string[]): string {
  return list.length < 2 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}
