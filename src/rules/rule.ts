import { mapMode, type BpfModule, type LayoutMode, type UserspaceModule } from "../ir/bindings.js";
import type { TypeGraph } from "../ir/graph.js";
import type { Target } from "../ir/targets.js";
import type { SourceLoc } from "../ir/types.js";
import type { Pairing } from "../match/pair.js";
import type { Finding, FindingData, FindingLocation, Fix, Severity } from "./finding.js";

/** A key field the BPF C code fills from a clock before using the key on a map. */
export interface ClockKeyWrite {
  map: string;
  /** The key variable and the field set from the clock: `key`, `ts`. */
  keyVar: string;
  field: string;
  /** `bpf_ktime_get_ns`. */
  helper: string;
  /** `bpf_map_update_elem`, `counts.update`. */
  call: string;
  assign: SourceLoc;
  use: SourceLoc;
}

/** The command that builds an object again, and where the build says so. */
export interface Rebuild {
  command: string;
  /** Why this command: `it runs the bpf2go line that builds x_bpfel.o and its Go bindings`. */
  description: string;
  /** The `//go:generate` line, the Makefile. */
  loc?: SourceLoc;
}

/** A BPF object and the C source in the tree it was built from, read as its build reads it. */
export interface ObjectBuild {
  object: BpfModule;
  source: BpfModule;
  /** Types the source names but does not define: their layouts are the reader's guess. */
  unresolved: readonly string[];
  rebuild: Rebuild;
}

export interface RuleContext {
  bpf: readonly BpfModule[];
  user: readonly UserspaceModule[];
  pairing: Pairing;
  /** The userspace machine twins are compared on first. */
  baseTarget: Target;
  /** 32-bit userspace machines for arch-dependent-type. */
  narrowTargets: readonly Target[];
  /** A userspace module's types laid out for a machine (cached by the caller). */
  layout(user: UserspaceModule, target: Target, mode: LayoutMode): TypeGraph;
  clockKeys: readonly ClockKeyWrite[];
  /** Objects whose sources are in the check too, for stale-object. */
  builds?: readonly ObjectBuild[];
}

export interface Rule {
  id: string;
  title: string;
  /** One line; equals the description in docs/rules/<id>.md. */
  description: string;
  severity: Severity;
  /** A paragraph: why it matters. */
  docs: string;
  /** Message templates with `{{name}}` placeholders filled from a finding's data. */
  messages: Record<string, string>;
  check(ctx: RuleContext): Finding[];
}

/** A finding of `rule` with its default severity; check applies the config's. */
export function finding(rule: Rule, messageId: string, data: FindingData, locations: FindingLocation[], fix?: Fix): Finding {
  if (!(messageId in rule.messages)) throw new Error(`${rule.id}: no message ${messageId}`);
  return { code: rule.id, severity: rule.severity, messageId, data, locations: locations.filter((l) => l.file), ...(fix ? { fix } : {}) };
}

export function at(role: FindingLocation["role"], loc: SourceLoc | undefined, symbol?: string): FindingLocation[] {
  return loc ? [{ role, ...loc, ...(symbol ? { symbol } : {}) }] : [];
}

/** `struct dns_key.qname`: the C member a slot path names, for locating it in source. */
export function memberSymbol(cType: string, path: string): string {
  return `${cType}.${path.split(/[.[]/)[0]}`;
}

export { mapMode };
