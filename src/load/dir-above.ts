import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The nearest directory from `start` up to the root that holds an entry called `name`, if any. */
export function dirAbove(start: string, name: string): string | undefined {
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, name))) return d;
    if (dirname(d) === d) return undefined;
  }
}
