import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { InputError } from "../ir/errors.js";
import type { TypeGraph } from "../ir/graph.js";
import type { PythonVersion } from "../ir/layout/ctypes.js";
import { TARGETS, parseTarget, type Target } from "../ir/targets.js";
import type { TypeId } from "../ir/types.js";
import { checkInputPath, fsProblem } from "./input-file.js";
import { sniff, type InputKind } from "./sniff.js";

export { fsProblem } from "./input-file.js";

/** The aggregates of one input to lay out, in the graph they live in. */
export interface LayoutSource {
  graph: TypeGraph;
  /** Named structs and unions, in id order. */
  ids: TypeId[];
  /** For an object embedded in a larger binary: where it starts. */
  offset?: number;
  /** encoding/binary sizes, for Go types. */
  packedSizes?: ReadonlyMap<TypeId, number>;
  /** Types the source declares but that could not be laid out, and why: `--type` of one is an error that says so. */
  unlaid?: { name: string; why: string }[];
}

export interface LoadOptions {
  target?: string;
  include?: string[];
  define?: string[];
  btf?: string;
  baseBtf?: string;
  /** Types asked for by name: C source reads them from a big header it includes though it does not reach them. */
  type?: string[];
  /** The CPython whose ctypes rules lay out a .py file. */
  pythonVersion?: PythonVersion;
}

export function readHead(path: string): Uint8Array {
  checkInputPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = new Uint8Array(128);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } catch (e) {
    throw new InputError(path, fsProblem(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function inputKind(path: string): InputKind {
  const kind = sniff(path, readHead(path));
  if (!kind) throw new InputError(path, "not a BPF object, BTF, C, Go or Python file");
  return kind;
}

export function targetOption(name: string | undefined): Target | undefined {
  if (name === undefined) return undefined;
  const t = parseTarget(name);
  if (!t) throw new InputError(name, "unknown target");
  return t;
}

/** Every input kind `layout` reads, each reader imported only when needed. */
export async function loadLayoutSources(path: string, opts: LoadOptions): Promise<LayoutSource[]> {
  const kind = inputKind(path);
  const target = targetOption(opts.target);
  switch (kind) {
    case "btf": {
      const { readBtfFile, btfAggregates } = await import("../readers/btf/index.js");
      const base = opts.baseBtf ? readBtfFile(opts.baseBtf, { target }) : undefined;
      const btf = readBtfFile(path, { base, target: target ?? hostTarget() });
      return [{ graph: btf, ids: btfAggregates(btf) }];
    }
    case "elf": {
      const { readBpfObjects } = await import("../readers/object/index.js");
      const { btfAggregates, Btf } = await import("../readers/btf/index.js");
      return readBpfObjects(readFileSync(path), path).map((m) => ({
        graph: m.graph,
        ids: m.graph instanceof Btf ? btfAggregates(m.graph) : [],
        offset: m.offset,
      }));
    }
    case "c": {
      const source = await readC(path, opts, target ?? TARGETS.bpfel);
      const unlaid = new Map<string, string>();
      for (const u of source.unresolved) if (u.name !== "" && !unlaid.has(u.name)) unlaid.set(u.name, u.why);
      warn(source.unresolved.filter((u) => unlaid.get(u.name) === u.why && u.name.includes(" ")).map((u) => ({ ...u.loc, file: u.loc.file ?? path, message: `${u.name} not laid out: ${u.why}` })));
      return [{ graph: source.graph, ids: namedAggregates(source.graph), unlaid: [...unlaid].map(([name, why]) => ({ name, why })) }];
    }
    case "go": {
      const { layoutGoFile } = await import("../readers/go/index.js");
      const layout = await layoutGoFile(path, readFileSync(path, "utf8"), target ?? hostTarget() ?? TARGETS.x86_64);
      warn(layout.problems.map((p) => ({ ...p.loc, message: p.message })));
      const packedSizes = new Map<TypeId, number>();
      for (const t of layout.types) if (t.binarySize !== null) packedSizes.set(t.typeId, t.binarySize);
      return [{ graph: layout.graph, ids: layout.types.map((t) => t.typeId), packedSizes }];
    }
    case "python": {
      const { layoutPythonFile } = await import("../readers/python/index.js");
      const layout = await layoutPythonFile(path, readFileSync(path, "utf8"), target ?? hostTarget() ?? TARGETS.x86_64, opts.pythonVersion);
      warn(layout.problems.map((p) => ({ ...p.loc, file: p.loc.file ?? path, message: p.message })));
      return [{ graph: layout.graph, ids: layout.types.map((t) => t.typeId) }];
    }
    default:
      throw new InputError(path, `layout reads BPF objects, BTF, C, Go and Python, not ${kind}`);
  }
}

/** C source read for `target`, with kernel types from BTF where the source leaves them out. */
export async function readC(path: string, opts: LoadOptions, target: Target) {
  const { readCSource, HeaderCache } = await import("../readers/c/index.js");
  const btfPath = opts.btf ?? (existsSync(KERNEL_BTF) ? KERNEL_BTF : undefined);
  let btf: TypeGraph | undefined;
  if (btfPath) {
    const { readBtfFile } = await import("../readers/btf/index.js");
    // Read on the first name the source leaves unresolved: most C needs none of it.
    let opened: TypeGraph | undefined;
    const open = (): TypeGraph => (opened ??= readBtfFile(btfPath, { target }));
    btf = {
      target,
      file: btfPath,
      get count() {
        return open().count;
      },
      type: (id) => open().type(id),
      find: (name) => open().find(name),
    };
  }
  // Through a header cache, a big header the file includes (vmlinux.h) gives only the declarations the file reaches.
  const headers = new HeaderCache();
  const source = await readCSource(path, { target, includeDirs: opts.include, defines: parseDefines(opts.define ?? []), btf, headers, uses: opts.type ?? [] });
  warn(source.problems);
  return source;
}

const KERNEL_BTF = "/sys/kernel/btf/vmlinux";

function parseDefines(defs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of defs) {
    const eq = d.indexOf("=");
    // `-D NAME` means 1, as for a compiler.
    if (eq < 0) out[d] = "1";
    else out[d.slice(0, eq)] = d.slice(eq + 1);
  }
  return out;
}

/** Problems that leave the rest of the input usable: one line each on stderr. */
function warn(problems: { file: string; line?: number; message: string }[]): void {
  for (const p of problems) process.stderr.write(`abidrift: warning: ${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}\n`);
}

function namedAggregates(graph: TypeGraph): TypeId[] {
  const ids: TypeId[] = [];
  for (let id = 1; id < graph.count; id++) {
    const t = graph.type(id);
    if ((t.kind === "struct" || t.kind === "union") && t.name !== "") ids.push(id);
  }
  return ids;
}

/** Kernel BTF describes the machine it runs on. */
export function hostTarget(): Target | undefined {
  const arch: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i386", arm: "armhf" };
  const name = arch[process.arch];
  return name ? parseTarget(name) : undefined;
}
