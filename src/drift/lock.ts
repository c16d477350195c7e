import { readFileSync } from "node:fs";
import { rename, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";
import { InputError } from "../ir/errors.js";

// The lock file: the ABI a repository promised at its last snapshot, as plain
// data. Types are keyed by kind and name and maps by name, never by file or
// type id, so two builds of one program compare. One member or map per line,
// so a reviewer reads a drift in `git diff` before abidrift says a word.

export const LOCK_FILE = "abidrift.lock.json";
export const LOCK_VERSION = 1;

export interface LockMember {
  /** `a`, or `u.a` for a member of an anonymous struct or union member `u`, or `` for padding bitfields. */
  name: string;
  /** C spelling of the member's type. */
  type: string;
  bitOffset: number;
  /** Bitfield width, 0 for a plain member. */
  bitSize: number;
  size: number;
}

/** An anonymous struct or union member opened in place: members `from` up to `to` are its. */
export interface LockAnonymous {
  kind: "struct" | "union";
  /** The member's own name, "" when it has none. */
  name: string;
  bitOffset: number;
  size: number;
  from: number;
  to: number;
}

export interface LockAggregate {
  kind: "struct" | "union";
  name: string;
  /** Named only by a typedef: `typedef struct { ... } name;`. */
  typedef?: true;
  size: number;
  align: number;
  /** The object or source it was read from, for reports. */
  file: string;
  /** Outermost first; absent when there are none. */
  anonymous?: LockAnonymous[];
  members: LockMember[];
}

export interface LockEnum {
  kind: "enum";
  name: string;
  typedef?: true;
  size: number;
  signed: boolean;
  file: string;
  /** Values as decimal strings: ENUM64 holds more than a JSON number can. */
  values: { name: string; value: string }[];
}

export type LockType = LockAggregate | LockEnum;

export interface LockMap {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** C spelling of the key and value types where BTF or source names them. */
  key: string | null;
  value: string | null;
  file: string;
}

/**
 * A typedef, integer or float some member's type names: what a decoder
 * needs beyond the layout (signedness, `char`, `_Bool`, and the byte order a
 * `__be32` typedef carries). Drift is judged on members, never on these.
 */
export type LockScalar =
  | { name: string; kind: "int"; size: number; signed: boolean; encoding: "char" | "bool" | "none"; bits?: number; bitOffset?: number }
  | { name: string; kind: "float"; size: number }
  | { name: string; kind: "typedef"; type: string };

export interface Lock {
  abidrift: typeof LOCK_VERSION;
  /** Absent in locks written before scalars were recorded. */
  target?: "bpfel" | "bpfeb";
  maps: LockMap[];
  types: LockType[];
  scalars?: LockScalar[];
}

/**
 * Where the lock of a path lives: in a directory, at its top; beside a file.
 * A path that does not exist is returned as it is, for the reader that
 * opens it to report.
 */
export async function lockDir(path: string): Promise<string> {
  try {
    return (await stat(path)).isDirectory() ? path : dirname(path);
  } catch {
    return path;
  }
}

/**
 * The section of a map libbpf makes of global variables (`.bss` of
 * `execsnoo.bss`), else undefined: no C identifier has a dot.
 */
export function globalSection(mapName: string): string | undefined {
  const dot = mapName.indexOf(".");
  return dot < 0 ? undefined : mapName.slice(dot);
}

/** `struct event`, `enum state`, `typedef flow_t`: how reports and keys name a type. */
export function typeLabel(t: Pick<LockType, "kind" | "name" | "typedef">): string {
  return t.typedef ? t.name : `${t.kind} ${t.name}`;
}

/** The lock as text: valid JSON, stable, one member, value or map per line. */
export function formatLock(lock: Lock): string {
  const out: string[] = [`{\n  "abidrift": ${lock.abidrift},${lock.target ? `\n  "target": ${JSON.stringify(lock.target)},` : ""}\n  "maps": [`];
  out.push(lock.maps.map((m) => `    ${JSON.stringify(m)}`).join(",\n"));
  out.push(`  ],\n  "types": [`);
  const types = lock.types.map((t) => {
    const { members, values, ...head } = { members: undefined, values: undefined, ...t } as LockType & { members?: LockMember[]; values?: LockEnum["values"] };
    const list = t.kind === "enum" ? ["values", values ?? []] : ["members", members ?? []];
    const [field, items] = list as [string, unknown[]];
    const open = `    ${JSON.stringify(head).slice(0, -1)},${JSON.stringify(field)}:[`;
    if (items.length === 0) return `${open}]}`;
    return `${open}\n${items.map((i) => `      ${JSON.stringify(i)}`).join(",\n")}\n    ]}`;
  });
  out.push(types.join(",\n"));
  if (lock.scalars) {
    out.push(`  ],\n  "scalars": [`);
    out.push(lock.scalars.map((x) => `    ${JSON.stringify(x)}`).join(",\n"));
  }
  out.push("  ]\n}\n");
  return out.filter((s) => s !== "").join("\n");
}

/**
 * The lock with each `file` relative to the directory the lock lives in, so
 * a snapshot taken from the repository root and one taken from elsewhere
 * write the same text.
 */
export function relativeTo(lock: Lock, dir: string): Lock {
  const rel = (file: string): string => relative(dir, file) || file;
  return { ...lock, maps: lock.maps.map((m) => ({ ...m, file: rel(m.file) })), types: lock.types.map((t) => ({ ...t, file: rel(t.file) })) };
}

/**
 * Writes the lock beside its final name and renames it into place, so a run
 * killed halfway leaves the old lock or the new one, never half of either.
 */
export async function writeLock(path: string, lock: Lock): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, formatLock(relativeTo(lock, dirname(path))));
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validator: Validator | undefined;

function validate(data: unknown): string | undefined {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL("../../schemas/lock.schema.json", import.meta.url), "utf8")) as object;
    // Loaded only when a lock is read: ajv is some forty CommonJS modules,
    // which a check of a tree without a lock would load for nothing.
    const Ajv2020 = createRequire(import.meta.url)("ajv/dist/2020.js") as { default?: unknown };
    const Ajv = (Ajv2020.default ?? Ajv2020) as new (o: object) => { compile(s: object): Validator };
    validator = new Ajv({ allErrors: false, strict: false }).compile(schema);
  }
  if (validator(data)) return undefined;
  const e = validator.errors?.[0];
  return `${e?.instancePath || "(top)"} ${e?.message ?? "does not match schemas/lock.schema.json"}`;
}

/** Reads lock text; anything that is not a lock of this version is an InputError on `file`. */
export function parseLock(text: string, file: string): Lock {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Node's words quote the input, newlines and all: keep the reason only.
    const message = (e as Error).message;
    const reason = message.replace(/,? ".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "").split("\n")[0];
    const pos = /position (\d+)/.exec(message);
    throw new InputError(file, `not a lock file: ${reason}`, pos ? lineOf(text, Number(pos[1])) : {});
  }
  if (typeof data === "object" && data !== null && "abidrift" in data && data.abidrift !== LOCK_VERSION) {
    throw new InputError(file, `lock version ${JSON.stringify(data.abidrift)}, this abidrift reads version ${LOCK_VERSION}`);
  }
  const problem = validate(data);
  if (problem) throw new InputError(file, `not a lock file: ${problem}`);
  const lock = data as Lock;
  const seen = new Set<string>();
  for (const t of lock.types) {
    const key = typeLabel(t);
    if (seen.has(key)) throw new InputError(file, `${key} is in the lock twice`);
    seen.add(key);
  }
  return lock;
}

function lineOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, column: index - before.lastIndexOf("\n") };
}
