import type { BpfModule, RecordEmit } from "../ir/bindings.js";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import type { BuildFlags } from "../load/include-paths.js";
import { splitCName } from "../match/names.js";
import type { CSourceResult } from "../readers/c/index.js";
import { sourceModule } from "../readers/c/module.js";
import type { CText } from "../drift/bpf-source.js";
import type { SourceIndex } from "./c-locate.js";
import { handled, sourceRequest, type Reads } from "./reads.js";

/**
 * Each object's records: its C says which record goes to which buffer, its
 * BTF has the record types, unless the program only ever reached them
 * through a pointer. Then the source is read for them, once per byte order,
 * and the lock's reading of the tree takes the bpfel one as it is.
 */
export async function readObjectRecords(
  bpf: readonly BpfModule[],
  sources: SourceIndex<CText>,
  flagsOf: (file: string, text: string) => BuildFlags,
  readFrom: Map<string, BpfModule[]>,
  notes: string[],
  sites: Map<string, RecordEmit[]>,
  reads: Reads,
): Promise<void> {
  // Every read asked for first, so that reading threads work on them together; taken in order after.
  const asked: { m: BpfModule; src: CText; key: string }[] = [];
  const started = new Map<string, Promise<CSourceResult>>();
  for (const m of bpf) {
    if (m.origin !== "btf" || m.records) continue;
    const src = sources.sourceFor(m.file);
    if (!src) continue;
    let records = sites.get(src.file);
    if (!records) sites.set(src.file, (records = (await reads.scan(src.file, src.text)).records));
    m.records = records;
    if (records.every((r) => !r.type || m.graph.find(splitCName(r.type).name).length > 0)) continue;
    const target = m.graph.target;
    const key = `${src.file}\0${target.name}`;
    asked.push({ m, src, key });
    if (started.has(key)) continue;
    const flags = flagsOf(src.file, src.text);
    started.set(key, handled(reads.read(src.file, sourceRequest(src, flags, target, records))));
  }
  const sourceReads = new Map<string, BpfModule | undefined>();
  for (const { m, src, key } of asked) {
    if (!sourceReads.has(key)) {
      try {
        const read = sourceModule(await started.get(key)!);
        sourceReads.set(key, read);
        if (m.graph.target.name === TARGETS.bpfel.name && !readFrom.has(src.file)) readFrom.set(src.file, [read]);
      } catch (e) {
        // The object still stands; only the records it lacks stay unpaired.
        if (!(e instanceof InputError)) throw e;
        sourceReads.set(key, undefined);
        notes.push(`${src.file}: record types are not in ${m.file}'s BTF and the source cannot be read: ${e.detail}`);
      }
    }
    const read = sourceReads.get(key);
    if (read) m.source = read;
  }
}
