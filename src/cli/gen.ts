import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateTypeScript, InputError } from "../index.js";
import type { GenTsOptions } from "./commands/gen.js";

/** `abidrift gen ts`: one module to stdout or a file, several to a directory, made as needed. */
export async function runGenTs(source: string, opts: GenTsOptions): Promise<void> {
  const modules = await generateTypeScript(source, { ...opts, types: opts.type });
  const out = opts.output;
  if (out === undefined) {
    if (modules.length > 1) throw new InputError(source, "several types make several modules: give -o DIR");
    process.stdout.write(modules[0]!.text);
    return;
  }
  const toDir = out.endsWith("/") || (existsSync(out) && statSync(out).isDirectory()) || modules.length > 1;
  if (!toDir) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, modules[0]!.text);
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const m of modules) writeFileSync(join(out, m.fileName), m.text);
}
