import type { Severity } from "../rules/finding.js";
import type { ArchReport } from "./arch.js";
import type { Packing } from "./packing.js";

// What an audit finds, as plain data: schemas/audit.schema.json describes it
// and every report (HTML, Markdown, JSON) is made from it alone. Places are
// `file` plus a 1-based `line` (null where only an object says it).

export const AUDIT_FORMAT = "abidrift-audit/1";

export interface Place {
  file: string;
  line: number | null;
}

/** A span of a finding with the source line it points at. */
export interface AuditSpan extends Place {
  role: "c" | "twin";
  column: number | null;
  symbol: string | null;
  /** The line's text, trimmed of its indentation; null when the file is binary or gone. */
  text: string | null;
}

export interface AuditFinding {
  code: string;
  severity: Severity;
  message: string;
  fix: string | null;
  spans: AuditSpan[];
}

/** A key or value of a map: its C type, size, and the struct entry describing it. */
export interface MapSlot {
  type: string | null;
  size: number;
  /** `key` of `structs` when the type is a struct or union. */
  struct: string | null;
}

export interface AuditMap {
  name: string;
  type: string;
  maxEntries: number;
  flags: number;
  origin: string;
  key: MapSlot;
  value: MapSlot;
  at: Place;
  /** Userspace code naming the map. */
  users: (Place & { via: string })[];
}

export interface AuditEvent {
  /** `key` of `structs`. */
  struct: string;
  type: string;
  /** Ring or perf buffer maps it goes through, where the code shows them. */
  maps: string[];
  /** Where BPF code emits it and where userspace decodes it. */
  sites: (Place & { side: "bpf" | "user"; how: string })[];
}

export interface AuditTwin {
  name: string;
  language: string;
  at: Place;
  /** The C type it mirrors, or null: a twin with no C side. */
  c: (Place & { type: string; struct: string | null }) | null;
  reason: string | null;
}

export interface AuditMember {
  name: string;
  type: string;
  bitOffset: number;
  /** 0 for a plain member. */
  bitSize: number;
  size: number;
  line: number | null;
}

export interface AuditStruct {
  /** Unique within the audit: `struct event@dir/prog`. */
  key: string;
  kind: "struct" | "union";
  /** `struct event`, or a typedef's name. */
  type: string;
  at: Place;
  size: number;
  align: number;
  cachelines: number;
  members: AuditMember[];
  holes: { bitOffset: number; bits: number }[];
  tailPaddingBits: number;
  packing: Packing;
  /** Why userspace sees it besides its twins: `key of map flows`, `event in map events`. */
  sharedAs: string[];
  /** Names of the userspace twins that mirror it. */
  twins: string[];
  arch: ArchReport | null;
  /** pahole's picture, with cacheline boundaries. */
  pahole: string;
}

export interface AuditSummary {
  files: { bpf: number; user: number };
  findings: Record<Severity, number>;
  maps: number;
  events: number;
  structs: number;
  twins: number;
  /** Twins with no C side. */
  orphanTwins: number;
  /** Shared C types no twin mirrors. */
  unmirrored: number;
  wastedBytes: number;
  reorderSaves: number;
  archDependentMembers: number;
  /** What `abidrift check` would exit with: 1 when an error is found. */
  exitStatus: 0 | 1;
}

export interface Inventory {
  format: typeof AUDIT_FORMAT;
  version: string;
  /** The 32-bit targets arch-dependent members are laid out for. */
  narrowTargets: string[];
  summary: AuditSummary;
  findings: AuditFinding[];
  maps: AuditMap[];
  events: AuditEvent[];
  twins: AuditTwin[];
  structs: AuditStruct[];
  /** `key`s of structs the BPF side shares that no twin mirrors. */
  unmirrored: string[];
  /** Files read only in part, with why. */
  notes: string[];
}
