import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findAggregate, generateModule, type GeneratedModule } from "../codegen/ts/index.js";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import type { TypeGraph } from "../ir/graph.js";
import { fsProblem, loadLayoutSources } from "../load/layout-sources.js";
import type { GenTsOptions } from "./commands/gen.js";

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

export async function runGenTs(source: string, opts: GenTsOptions): Promise<void> {
  const sources = source.endsWith(".json") ? [{ graph: await lockGraphOf(source) }] : await loadLayoutSources(source, { ...opts, target: opts.target ?? (source.endsWith(".c") || source.endsWith(".h") ? TARGETS.bpfel.name : undefined) });
  const command = ["abidrift gen ts", source, ...opts.type.map((t) => `--type ${t}`), ...(opts.camelCase ? ["--camel-case"] : []), ...(opts.rawChars ? ["--raw-chars"] : [])].join(" ");
  const modules: GeneratedModule[] = opts.type.map((name) => {
    for (const s of sources) {
      const found = findAggregate(s.graph, name);
      if (found) return generateModule(s.graph, found.id, found.cName, { source, camelCase: opts.camelCase, rawChars: opts.rawChars, command });
    }
    throw new InputError(source, `no struct, union or typedef of one named "${name}"`);
  });
  const out = opts.output;
  if (out === undefined) {
    if (modules.length > 1) throw new InputError(source, "several types make several modules: give -o DIR");
    process.stdout.write(modules[0]!.text);
    return;
  }
  const toDir = out.endsWith("/") || (existsSync(out) && statSync(out).isDirectory()) || modules.length > 1;
  if (!toDir) {
    writeFileSync(out, modules[0]!.text);
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const m of modules) writeFileSync(join(out, m.fileName), m.text);
}
