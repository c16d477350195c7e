import { readMaps } from "../jobs/index.js";
import { mapsText } from "../report/maps.js";
import { styleFor } from "../report/style.js";
import type { MapsOptions } from "./commands/maps.js";

export async function runMaps(file: string, opts: MapsOptions): Promise<void> {
  const maps = await readMaps(file, opts);
  if (opts.format === "json") {
    process.stdout.write(`${JSON.stringify({ maps }, null, 2)}\n`);
    return;
  }
  process.stdout.write(mapsText(maps, styleFor(process.stdout)));
}
