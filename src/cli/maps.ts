import { readFileSync } from "node:fs";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import { inputKind, readC } from "../load/layout-sources.js";
import { mapJson, mapsText, type MapJson } from "../report/maps.js";
import { styleFor } from "../report/style.js";
import type { MapsOptions } from "./commands/maps.js";

export async function runMaps(file: string, opts: MapsOptions): Promise<void> {
  const maps = await loadMaps(file, opts);
  if (opts.format === "json") {
    process.stdout.write(`${JSON.stringify({ maps }, null, 2)}\n`);
    return;
  }
  process.stdout.write(mapsText(maps, styleFor(process.stdout)));
}

async function loadMaps(file: string, opts: MapsOptions): Promise<MapJson[]> {
  const kind = inputKind(file);
  if (kind === "elf") {
    const { readBpfObjects } = await import("../readers/object/index.js");
    return readBpfObjects(readFileSync(file), file).flatMap((m) => m.maps.map((d) => mapJson(m.graph, d)));
  }
  if (kind === "c") {
    const source = await readC(file, opts, TARGETS.bpfel);
    return source.maps.map((d) => mapJson(source.graph, d));
  }
  throw new InputError(file, `maps reads BPF objects and C source, not ${kind}`);
}
