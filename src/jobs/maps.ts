import { readFileSync } from "node:fs";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import { inputKind, readC, type LoadOptions } from "../load/layout-sources.js";
import { mapJson, type MapJson } from "../report/maps.js";

/** The map definitions of a BPF object (every embedded one too) or of BPF C source, as libbpf reads them. */
export async function readMaps(file: string, opts: LoadOptions = {}): Promise<MapJson[]> {
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
