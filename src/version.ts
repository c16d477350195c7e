import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's version, from the nearest package.json above this module:
 * one directory up from src/ and dist/, two from the command line's bundle
 * in dist/cli/.
 */
export const VERSION: string = (JSON.parse(readFileSync(nearestPackageJson(dirname(fileURLToPath(import.meta.url))), "utf8")) as { version: string }).version;

function nearestPackageJson(dir: string): string {
  for (;;) {
    const at = join(dir, "package.json");
    if (existsSync(at)) return at;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
