import type { Rule, RuleContext } from "../rules/rule.js";
import type { Finding } from "../rules/finding.js";
import { classOf, type DriftClass, type DriftKind } from "./classify.js";
import { DRIFT_CODES } from "./codes.js";
import { driftFindings } from "./findings.js";
import type { Lock } from "./lock.js";
import type { Snapshot } from "./snapshot.js";

// Drift as findings: two codes, one per class, so a configuration can turn
// compatible changes off without touching breaking ones. The messages are
// keyed by drift kind; reporters fill them in like every other rule's.

const MESSAGES: Record<DriftKind, string> = {
  "type-added": "{{subject}} is new ({{new}})",
  "type-removed": "{{subject}} ({{old}}) is gone",
  "kind-changed": "{{subject}} changed from a {{old}} to a {{new}}",
  "size-changed": "{{subject}} changed size from {{old}} to {{new}}",
  "align-changed": "{{subject}} changed alignment from {{old}} to {{new}}",
  "member-removed": "{{subject}}: member {{member}} ({{old}}) is gone",
  "member-moved": "{{subject}}: member {{member}} moved from {{old}} to {{new}}",
  "member-resized": "{{subject}}: member {{member}} changed from {{old}} to {{new}}",
  "member-retyped": "{{subject}}: member {{member}} changed type from {{old}} to {{new}}, same size",
  "member-added-in-padding": "{{subject}}: member {{member}} added in what was padding: {{new}}",
  "member-appended": "{{subject}}: member {{member}} added at the end; it grew from {{old}} to {{new}} and old readers still see the same prefix",
  "member-appended-to-map-type": "{{subject}}: member {{member}} added at the end; it grew from {{old}} to {{new}} under map {{map}}",
  "enum-value-added": "{{subject}}: value {{new}} is new",
  "enum-value-removed": "{{subject}}: value {{old}} is gone",
  "enum-value-changed": "{{subject}}: {{member}} changed from {{old}} to {{new}}",
  "map-added": "{{subject}} is new ({{new}})",
  "map-removed": "{{subject}} ({{old}}) is gone",
  "map-type-changed": "{{subject}} changed type from {{old}} to {{new}}",
  "map-key-changed": "{{subject}}: key changed from {{old}} to {{new}}",
  "map-value-changed": "{{subject}}: value changed from {{old}} to {{new}}",
  "map-flags-changed": "{{subject}}: flags changed from {{old}} to {{new}}",
  "map-max-entries-changed": "{{subject}}: max_entries changed from {{old}} to {{new}}",
};

/** A check's lock and the tree's ABI now. */
export interface LockedTree {
  /** The lock file, blamed for what only the lock still has. */
  file: string;
  lock: Lock;
  now: Snapshot;
}

// The lock travels beside the rule context rather than in it: only these two
// rules read it, and a check without a lock has nothing to attach. Both
// share one classification, made when the first of them runs.
const DRIFT = new WeakMap<RuleContext, () => Finding[]>();

/** Makes the drift rules compare `ctx`'s check against a lock. */
export function compareWithLock(ctx: RuleContext, tree: LockedTree): void {
  let found: Finding[] | undefined;
  DRIFT.set(ctx, () => (found ??= driftFindings(tree.lock, tree.now, tree.file)));
}

function driftOf(ctx: RuleContext): Finding[] {
  return DRIFT.get(ctx)?.() ?? [];
}

function driftRule(kind: DriftClass, rule: Omit<Rule, "id" | "messages" | "check">): Rule {
  const id = DRIFT_CODES[kind];
  const messages = Object.fromEntries(Object.entries(MESSAGES).filter(([k]) => classOf(k as DriftKind) === kind));
  return { id, ...rule, messages, check: (ctx) => driftOf(ctx).filter((f) => f.code === id) };
}

export const abiBreak = driftRule("breaking", {
  title: "Breaking ABI drift",
  description: "A BPF type or map changed since the lock in a way readers built against the lock misread.",
  severity: "error",
  docs:
    "abidrift.lock.json records the layouts a repository's userspace, and its last release, were built against. A member that moves, changes size or type, or disappears, a struct or enum whose size changes, and a map whose key, value, type or flags change all make a reader built against the lock decode the wrong bytes, the way abidiff calls a change to a library's exported layout incompatible. Restore the old layout, or update every reader and accept the change with `abidrift check --update-lock`.",
});

export const abiChange = driftRule("compatible", {
  title: "Compatible ABI drift",
  description: "A BPF type or map changed since the lock in a way readers built against the lock still read correctly.",
  severity: "note",
  docs:
    "Some changes leave every byte an old reader looks at where it was: a member added in what used to be padding or at the end of an event, a new enum value, a new map or type, a new max_entries. Readers built against the lock keep working; `abidrift check --update-lock` records the new layout so the next change is measured from here.",
});

export const DRIFT_RULES: readonly Rule[] = [abiBreak, abiChange];
