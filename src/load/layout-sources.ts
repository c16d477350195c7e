import { openSync, readSync, closeSync, readFileSync } from "node:fs";
import { InputError } from "../ir/errors.js";
import type { TypeGraph } from "../ir/graph.js";
import { parseTarget, type Target } from "../ir/targets.js";
import type { TypeId } from "../ir/types.js";
import { sniff, type InputKind } from "./sniff.js";

/** The aggregates of one input to lay out, in the graph they live in. */
export interface LayoutSource {
  graph: TypeGraph;
  /** Named structs and unions, in id order. */
  ids: TypeId[];
  /** For an object embedded in a larger binary: where it starts. */
  offset?: number;
  /** encoding/binary sizes, for Go types. */
  packedSizes?: ReadonlyMap<TypeId, number>;
}

export interface LoadOptions {
  target?: string;
  include?: string[];
  define?: string[];
  btf?: string;
  baseBtf?: string;
}

export function readHead(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const head = new Uint8Array(128);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
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
    default:
      throw new InputError(path, `${kind} input is not supported by layout yet`);
  }
}

/** Kernel BTF describes the machine it runs on. */
export function hostTarget(): Target | undefined {
  const arch: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i386", arm: "armhf" };
  const name = arch[process.arch];
  return name ? parseTarget(name) : undefined;
}
