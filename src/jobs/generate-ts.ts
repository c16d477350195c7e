import { readFileSync } from "node:fs";
import { findAggregate, generateModule, type GeneratedModule } from "../codegen/ts/index.js";
import { InputError } from "../ir/errors.js";
import type { TypeGraph } from "../ir/graph.js";
import { TARGETS } from "../ir/targets.js";
import { fsProblem, loadLayoutSources, type LoadOptions } from "../load/layout-sources.js";

export interface GenerateTypeScriptOptions extends LoadOptions {
  /** The types to generate: `probe_event`, `struct probe_event`, a typedef of one. */
  types: readonly string[];
  /** Member names in camelCase instead of C's spelling. */
  camelCase?: boolean;
  /** `char[N]` as a Uint8Array view instead of a string. */
  rawChars?: boolean;
}

/** A lock file's types: the ABI it promised, with no object at hand. */
async function lockGraphOf(file: string): Promise<TypeGraph> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, fsProblem(e));
  }
  const { parseLock } = await import("../drift/lock.js");
  const { lockGraph } = await import("../drift/lock-graph.js");
  return lockGraph(parseLock(text, file), file);
}

/** One decoder and encoder module per type, read from an object, raw BTF, C source (laid out for bpfel) or a lock. */
export async function generateTypeScript(source: string, opts: GenerateTypeScriptOptions): Promise<GeneratedModule[]> {
  const isC = source.endsWith(".c") || source.endsWith(".h");
  const sources = source.endsWith(".json") ? [{ graph: await lockGraphOf(source) }] : await loadLayoutSources(source, { ...opts, target: opts.target ?? (isC ? TARGETS.bpfel.name : undefined), type: [...opts.types] });
  const command = ["abidrift gen ts", source, ...opts.types.map((t) => `--type ${t}`), ...(opts.camelCase ? ["--camel-case"] : []), ...(opts.rawChars ? ["--raw-chars"] : [])].join(" ");
  return opts.types.map((name) => {
    for (const s of sources) {
      const found = findAggregate(s.graph, name);
      if (found) return generateModule(s.graph, found.id, found.cName, { source, camelCase: opts.camelCase, rawChars: opts.rawChars, command });
    }
    throw new InputError(source, `no struct, union or typedef of one named "${name}"`);
  });
}
