import { InputError } from "../../ir/errors.js";
import type { TypeId } from "../../ir/types.js";
import type { Style } from "../style.js";
import { ByteOut, type ChunkSink } from "./byte-out.js";
import { prepareJson, prepareText, RecordTypes, Unfit, type AggregateRecords } from "./record-types.js";
import { RecordsJson } from "./records-json.js";
import { RecordsText } from "./records-text.js";

export interface RecordsSource {
  graph: object;
  ids: readonly TypeId[];
  /** The line that heads this source's text, if any. */
  heading?: string;
}

export interface RecordsOptions {
  format: "text" | "json";
  cachelines?: boolean;
  cachelineSize?: number;
  style?: Style;
}

/** Whether a graph also offers its BTF records to be read in place. */
function hasRecords(graph: object): graph is AggregateRecords {
  return typeof (graph as Partial<AggregateRecords>).sound === "function" && typeof (graph as Partial<AggregateRecords>).flatRecords === "function";
}

/**
 * Writes the whole output of `layout` for these sources, formatted from the
 * BTF records, to `sink` in chunks, and says true; or writes nothing and
 * says false where the graph path must do it: a source that is not BTF, or
 * records the graph path would reject or spell differently (it then prints
 * the same thing or says what is wrong). Every question that could decline
 * is asked before the first chunk is written. Where the sink is done with a
 * chunk only later, the writing waits for it between aggregates.
 */
export async function writeLayoutFromRecords(sources: readonly RecordsSource[], opts: RecordsOptions, sink: ChunkSink): Promise<boolean> {
  if (!sources.every((s) => s.ids.length === 0 || hasRecords(s.graph))) return false;
  let types: (RecordTypes | undefined)[];
  try {
    types = sources.map((s) => {
      if (!s.ids.length) return undefined;
      const t = new RecordTypes(s.graph as AggregateRecords, opts.format);
      (opts.format === "json" ? prepareJson : prepareText)(t, s.ids);
      return t;
    });
  } catch (e) {
    if (e instanceof Unfit || e instanceof InputError) return false;
    throw e;
  }
  const out = new ByteOut(sink);
  if (opts.format === "json") {
    const json = new RecordsJson(out);
    json.begin();
    for (let i = 0; i < sources.length; i++) {
      const t = types[i];
      if (!t) continue;
      const plain = t.namesJsonPlain();
      await eachAggregate(sources[i]!.ids, out, (id) => json.aggregate(t, id, plain));
    }
    json.end();
  } else {
    for (let i = 0; i < sources.length; i++) {
      const heading = sources[i]!.heading;
      if (heading !== undefined) out.text(`${heading}\n\n`);
      const t = types[i];
      if (!t) continue;
      const text = new RecordsText(t, out, opts);
      await eachAggregate(sources[i]!.ids, out, (id) => text.aggregate(id));
    }
  }
  out.flush();
  await out.settled();
  return true;
}

/** Writes each aggregate of `ids`, waiting between two whenever the sink still holds a chunk. */
async function eachAggregate(ids: readonly TypeId[], out: ByteOut, write: (id: TypeId) => void): Promise<void> {
  // Indexed, not for-of: unoptimized code allocates an iterator result per step.
  for (let i = 0; i < ids.length; i++) {
    write(ids[i]!);
    const settled = out.settled();
    if (settled) await settled;
  }
}

/** writeLayoutFromRecords's output as one buffer, or undefined where it declines. */
export async function layoutFromRecords(sources: readonly RecordsSource[], opts: RecordsOptions): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  const done = await writeLayoutFromRecords(sources, opts, (c) => (chunks.push(c), false));
  return done ? Buffer.concat(chunks) : undefined;
}
