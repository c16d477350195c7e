// The jobs of the library, one per command. Each loads its modules when
// called, so importing the package costs what reading BTF costs; the
// readers behind check and audit (tree-sitter, ts-morph) load only then.
import { join } from "node:path";
import type { Inventory } from "../audit/inventory.js";
import type { CheckOptions, CheckResult } from "../check/run.js";
import type { GeneratedModule } from "../codegen/ts/index.js";
import type { Lock } from "../drift/lock.js";
import type { LoadOptions } from "../load/layout-sources.js";
import type { LayoutSource } from "../load/layout-sources.js";
import type { MapJson } from "../report/maps.js";
import type { AuditFormat } from "../report/audit/index.js";
import type { ReportContext, ReportFormat } from "../report/findings/index.js";
import type { Finding } from "../rules/finding.js";
import type { DiffResult } from "./diff.js";
import type { GenerateTypeScriptOptions } from "./generate-ts.js";

export type { CheckOptions, CheckResult, OnProgress } from "../check/run.js";
export type { Concurrency } from "../check/read-programs.js";
export type { DiffResult } from "./diff.js";
export type { GenerateTypeScriptOptions } from "./generate-ts.js";
export type { GeneratedModule } from "../codegen/ts/index.js";
export type { LayoutSource, LoadOptions } from "../load/layout-sources.js";

/**
 * Checks a repository: reads its BPF objects and C, its Go, Python and
 * TypeScript userspace and its lock, pairs every twin with its C type and
 * runs every rule. The config (abidrift.config.json) applies as on the
 * command line. Bad input throws an {@link InputError} naming the file.
 *
 * @example
 * // A service's own test: its decoders agree with the C.
 * import { check } from "abidrift";
 * const { findings } = await check({ paths: ["."] });
 * expect(findings.filter((f) => f.severity === "error")).toEqual([]);
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const { check } = await import("../check/run.js");
  return check(options);
}

/**
 * Everything check reports plus the inventory a release needs: every map,
 * event, twin and shared struct with its layout (the JSON of `abidrift audit -f json`).
 *
 * @example
 * import { audit } from "abidrift";
 * const inv = await audit({ paths: ["."] });
 * console.log(`${inv.summary.structs} shared structs, exit ${inv.summary.exitStatus}`);
 */
export async function audit(options: CheckOptions): Promise<Inventory> {
  const { audit } = await import("../audit/run.js");
  return audit(options);
}

/**
 * The ABI of a tree, object, C source, lock or `git:REV`: what
 * `abidrift snapshot` writes to abidrift.lock.json.
 *
 * @example
 * import { snapshot, writeLock } from "abidrift";
 * const lock = await snapshot("examples/dns-monitor");
 * await writeLock("examples/dns-monitor/abidrift.lock.json", lock);
 */
export async function snapshot(spec: string): Promise<Lock> {
  const { snapshot } = await import("./snapshot.js");
  return snapshot(spec);
}

/**
 * Drift between two sides (locks, objects, C sources, directories,
 * `git:REV`): `abi-break` errors and `abi-change` notes at their C lines.
 *
 * @example
 * import { diff } from "abidrift";
 * const { findings } = await diff("git:origin/main", "git:HEAD");
 * const breaking = findings.filter((f) => f.code === "abi-break");
 */
export async function diff(old: string, now: string): Promise<DiffResult> {
  const { diff } = await import("./diff.js");
  return diff(old, now);
}

/**
 * TypeScript decoder and encoder modules for C structs and unions, one per
 * type, from an object, raw BTF, C source or a lock file.
 *
 * @example
 * import { generateTypeScript } from "abidrift";
 * const [mod] = await generateTypeScript("probe.bpf.o", { types: ["probe_event"] });
 * await writeFile(`gen/${mod.fileName}`, mod.text);
 */
export async function generateTypeScript(source: string, options: GenerateTypeScriptOptions): Promise<GeneratedModule[]> {
  const { generateTypeScript } = await import("./generate-ts.js");
  return generateTypeScript(source, options);
}

/**
 * The map definitions of a BPF object or BPF C source, as libbpf reads them.
 *
 * @example
 * import { readMaps } from "abidrift";
 * for (const m of await readMaps("prog.bpf.o")) console.log(m.name, m.keySize, m.valueSize);
 */
export async function readMaps(file: string, options: LoadOptions = {}): Promise<MapJson[]> {
  const { readMaps } = await import("./maps.js");
  return readMaps(file, options);
}

/**
 * The named structs and unions of an object, raw BTF, C, Go or Python file,
 * each source with the graph its layouts live in (`abidrift layout`).
 *
 * @example
 * import { readLayouts, describeAggregate } from "abidrift";
 * for (const { graph, ids } of await readLayouts("prog.bpf.o", {})) for (const id of ids) console.log(describeAggregate(graph, id));
 */
export async function readLayouts(file: string, options: LoadOptions = {}): Promise<LayoutSource[]> {
  const { loadLayoutSources } = await import("../load/layout-sources.js");
  return loadLayoutSources(file, options);
}

/**
 * A report of findings: `text` (with `--explain`'s pairs when asked),
 * `json` (schemas/findings.schema.json), `sarif` (2.1.0) or `github` annotations.
 *
 * @example
 * import { check, formatFindings, VERSION } from "abidrift";
 * const r = await check({ paths: ["."] });
 * const sarif = await formatFindings("sarif", r.findings, { pairs: r.pairs, color: false, explain: false, files: r.files, version: VERSION });
 */
export async function formatFindings(format: ReportFormat, findings: readonly Finding[], context: ReportContext): Promise<string> {
  const { REPORTERS } = await import("../report/findings/index.js");
  return REPORTERS[format](findings, context);
}

/** A finding's message, its rule's template filled from its data. */
export async function findingMessage(finding: Finding): Promise<string> {
  const { messageOf } = await import("../report/findings/words.js");
  return messageOf(finding);
}

/**
 * An audit as one self-contained HTML page, Markdown or JSON (schemas/audit.schema.json).
 *
 * @example
 * import { audit, formatAudit } from "abidrift";
 * await writeFile("AUDIT.md", await formatAudit("md", await audit({ paths: ["."] })));
 */
export async function formatAudit(format: AuditFormat, inventory: Inventory): Promise<string> {
  const { AUDIT_REPORTERS } = await import("../report/audit/index.js");
  return AUDIT_REPORTERS[format](inventory);
}

/**
 * Where the lock of a tree, object or source lives by default: abidrift.lock.json
 * at the top of the tree, beside the object, or, for `git:REV`, here.
 *
 * @example
 * import { defaultLockFile, snapshot, writeLock } from "abidrift";
 * await writeLock(await defaultLockFile("."), await snapshot("."));
 */
export async function defaultLockFile(spec: string): Promise<string> {
  const { LOCK_FILE, lockDir } = await import("../drift/lock.js");
  return spec.startsWith("git:") ? LOCK_FILE : join(await lockDir(spec), LOCK_FILE);
}

/** Writes a lock atomically (a temporary file renamed over it), with paths relative to the lock's directory. */
export async function writeLock(path: string, lock: Lock): Promise<void> {
  const { writeLock } = await import("../drift/lock.js");
  return writeLock(path, lock);
}

/** A lock as abidrift.lock.json holds it, its paths relative to `dir`. */
export async function lockText(lock: Lock, dir: string): Promise<string> {
  const { formatLock, relativeTo } = await import("../drift/lock.js");
  return formatLock(relativeTo(lock, dir));
}
