import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dirAbove } from "./load/dir-above.js";

/**
 * The package's version, from the nearest package.json above this module:
 * one directory up from src/ and dist/, two from the command line's bundle
 * in dist/cli/.
 */
export const VERSION: string = (JSON.parse(readFileSync(join(packageDir(), "package.json"), "utf8")) as { version: string }).version;

function packageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = dirAbove(here, "package.json");
  if (dir === undefined) throw new Error(`no package.json above ${here}`);
  return dir;
}
