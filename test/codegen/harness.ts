// Builds a record program (records.ts) with the machine's compilers, generates
// a decoder module per type from clang's BTF, compiles the modules with the
// project's TypeScript under every strict flag, and loads them.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateTs } from "../../src/codegen/ts/index.js";
import type { GenOptions } from "../../src/codegen/ts/index.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import ts from "typescript";
import { compileBpf, compileBpfText, scratchDir, type Endian } from "../readers/btf/compile.js";
import type { RecordProgram } from "./records.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const HAVE_GCC = spawnSync("gcc", ["--version"], { stdio: "ignore" }).status === 0;
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

export interface RecordValues {
  type: string;
  records: Record<string, string>[];
  /** Per leaf key, the hex of a zeroed record with only that member's bits set. */
  masks: Record<string, string>;
}

export interface Built {
  dir: string;
  /** What the host program printed, one entry per type. */
  values: RecordValues[];
  /** The bytes it wrote for `struct recN`. */
  bytes(type: string): Uint8Array;
}

/** Writes the program's files, compiles the writer with gcc and runs it. */
export function buildRecords(p: RecordProgram): Built {
  const dir = scratchDir("codegen");
  writeFileSync(join(dir, "records.h"), p.header);
  writeFileSync(join(dir, "records.bpf.c"), p.bpf);
  writeFileSync(join(dir, "writer.c"), p.writer);
  execFileSync("gcc", ["-w", "-O1", "-o", join(dir, "writer"), join(dir, "writer.c")], { stdio: ["ignore", "ignore", "pipe"] });
  const out = execFileSync(join(dir, "writer"), [dir], { encoding: "utf8", maxBuffer: 1 << 26 });
  const values = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RecordValues);
  return { dir, values, bytes: (type) => new Uint8Array(readFileSync(join(dir, `${type.split(" ")[1]}.bin`))) };
}

/** A loaded generated module: its decode, batch decode and encode functions. */
export interface Loaded {
  name: string;
  size: number;
  text: string;
  decode(bytes: Uint8Array, offset?: number): Record<string, unknown>;
  forEach(bytes: Uint8Array, fn: (value: Record<string, unknown>, index: number) => void, offset?: number, count?: number): void;
  encode(value: Record<string, unknown>, out?: Uint8Array, offset?: number): Uint8Array;
}

/** One record program's BPF side to generate modules from, once per option set. */
export interface GenJob {
  dir: string;
  types: string[];
  endian: Endian;
  variants: Omit<GenOptions, "source">[];
}

/**
 * For each job, compiles the program's BPF side for its byte order and
 * generates a module per type and per option set; then runs `tsc --strict`
 * once over every module of every job (the test fails on any diagnostic:
 * one compiler start instead of one per seed) and imports the JavaScript it
 * emits. Per job, one map of modules per option set.
 */
export async function generateAndLoad(jobs: GenJob[]): Promise<Map<string, Loaded>[][]> {
  const srcDir = scratchDir("codegen-ts");
  const outDir = scratchDir("codegen-js");
  const files: string[] = [];
  const sets = jobs.map((job, j) => {
    const obj = compileBpf(join(job.dir, "records.bpf.c"), job.endian, job.dir);
    const [mod] = readBpfObjects(readFileSync(obj), obj);
    return job.variants.map((opts, i) => {
      const modules = generateTs(mod!.graph, job.types, { ...opts, source: "records.bpf.c" });
      const sub = join(`j${j}`, `v${i}`);
      mkdirSync(join(srcDir, sub), { recursive: true });
      for (const m of modules) {
        writeFileSync(join(srcDir, sub, m.fileName), m.text);
        files.push(join(srcDir, sub, m.fileName));
      }
      return { sub, modules };
    });
  });
  tscStrict(files, srcDir, outDir);
  writeFileSync(join(outDir, "package.json"), '{"type":"module"}');
  const out: Map<string, Loaded>[][] = [];
  for (const variants of sets) {
    const perJob: Map<string, Loaded>[] = [];
    for (const { sub, modules } of variants) {
      const loaded = new Map<string, Loaded>();
      for (const m of modules) {
        const js = (await import(pathToFileURL(join(outDir, sub, m.fileName.replace(/\.ts$/, ".js"))).href)) as Record<string, unknown>;
        const sizeName = Object.keys(js).find((k) => k.endsWith("_SIZE"))!;
        loaded.set(m.cName, {
          name: m.tsName,
          size: js[sizeName] as number,
          text: m.text,
          decode: js[`decode${m.tsName}`] as Loaded["decode"],
          forEach: js[`forEach${m.tsName}`] as Loaded["forEach"],
          encode: js[`encode${m.tsName}`] as Loaded["encode"],
        });
      }
      perJob.push(loaded);
    }
    out.push(perJob);
  }
  return out;
}

/** The project's TypeScript, every strictness flag a user might set; throws with the diagnostics. */
export function tscStrict(files: string[], rootDir: string, outDir: string): void {
  const args = [
    TSC,
    "--strict",
    "--noUncheckedIndexedAccess",
    "--exactOptionalPropertyTypes",
    "--noUnusedLocals",
    "--noUnusedParameters",
    "--noImplicitReturns",
    "--target",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--typeRoots",
    join(ROOT, "node_modules/@types"),
    "--types",
    "node",
    "--rootDir",
    rootDir,
    "--outDir",
    outDir,
    ...files,
  ];
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc --strict failed on generated code:\n${r.stdout}${r.stderr}`);
}

/** A decoded value flattened to the keys the host program prints: `a.b.2` → text. */
export function flatten(value: unknown, key = "", out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value instanceof Uint8Array || value instanceof Int8Array) {
    out.set(key, Buffer.from(value.buffer, value.byteOffset, value.length).toString("hex"));
    value.forEach((v, i) => out.set(`${key}.${i}`, v));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${key}.${i}`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, key ? `${key}.${k}` : k, out);
  } else {
    out.set(key, value);
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Whether a decoded value says what C printed for a leaf of this kind. */
export function sameValue(decoded: unknown, printed: string, kind: string): boolean {
  switch (kind) {
    case "string":
      return decoded === utf8.decode(Buffer.from(printed, "hex"));
    case "bytes":
      return decoded === printed;
    case "bool":
      return decoded === (printed === "1") || (typeof decoded === "number" && decoded === Number(printed));
    case "float":
      return typeof decoded === "number" && (decoded === Number(printed) || (Number.isNaN(decoded) && printed.toLowerCase().includes("nan")));
    default:
      return (typeof decoded === "number" || typeof decoded === "bigint") && BigInt(decoded) === BigInt(printed);
  }
}

/**
 * Generates modules for `types` from C text compiled by clang for `endian`
 * and loads them through TypeScript's transpiler alone (no type check: the
 * round-trip test compiles generated code strictly), keyed by C name.
 */
export async function transpileAndLoad(name: string, cText: string, types: string[], endian: Endian = "bpfel", opts: Omit<GenOptions, "source"> = {}): Promise<Map<string, Record<string, unknown>>> {
  const dir = scratchDir(`codegen-${name}`);
  const obj = compileBpfText(name, cText, endian, dir);
  const [mod] = readBpfObjects(readFileSync(obj), obj);
  const out = new Map<string, Record<string, unknown>>();
  for (const m of generateTs(mod!.graph, types, { ...opts, source: `${name}.bpf.c` })) {
    const js = ts.transpileModule(m.text, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    const file = join(dir, m.fileName.replace(/\.ts$/, ".mjs"));
    writeFileSync(file, js);
    out.set(m.cName, (await import(pathToFileURL(file).href)) as Record<string, unknown>);
  }
  return out;
}

export const OBJCOPY = "llvm-objcopy-16";
export const HAVE_OBJCOPY = spawnSync(OBJCOPY, ["--version"], { stdio: "ignore" }).status === 0;

/**
 * Compiles `records.data.c` (staticRecords in records.ts) for `endian` and
 * takes each type's section out of the object with llvm-objcopy: the bytes
 * clang lays out for that target.
 */
export function staticBytes(dir: string, text: string, endian: Endian, types: string[]): Map<string, Uint8Array> {
  writeFileSync(join(dir, "records.data.c"), text);
  const obj = compileBpf(join(dir, "records.data.c"), endian, dir);
  const file = (type: string): string => join(dir, `${type.split(" ")[1]}.${endian}.data`);
  const dumps = types.flatMap((t) => ["--dump-section", `.data.${t.split(" ")[1]}=${file(t)}`]);
  execFileSync(OBJCOPY, [...dumps, obj, join(dir, `discard.${endian}.o`)], { stdio: ["ignore", "ignore", "pipe"] });
  return new Map(types.map((t) => [t, new Uint8Array(readFileSync(file(t)))]));
}
