import { InputError } from "../../ir/errors.js";
import type { TypeId } from "../../ir/types.js";
import type { Style } from "../style.js";
import { ByteOut } from "./byte-out.js";
import { prepareJson, prepareText, RecordTypes, Unfit, type AggregateRecords } from "./record-types.js";
import { RecordsJson } from "./records-json.js";
import { layoutRecordsText } from "./records-text.js";

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
  /** `write` is done with each chunk when it returns, so one buffer may serve them all. */
  reusable?: boolean;
}

/** Whether a graph also offers its BTF records to be read in place. */
function hasRecords(graph: object): graph is AggregateRecords {
  return typeof (graph as Partial<AggregateRecords>).sound === "function" && typeof (graph as Partial<AggregateRecords>).flatRecords === "function";
}

/**
 * Writes the whole output of `layout` for these sources, formatted from the
 * BTF records, to `write` in chunks, and says true; or writes nothing and
 * says false where the graph path must do it: a source that is not BTF, or
 * records the graph path would reject or spell differently (it then prints
 * the same thing or says what is wrong). Every question that could decline
 * is asked before the first chunk is written.
 */
export function writeLayoutFromRecords(sources: readonly RecordsSource[], opts: RecordsOptions, write: (chunk: Buffer) => void): boolean {
  if (!sources.every((s) => s.ids.length === 0 || hasRecords(s.graph))) return false;
  let types: (RecordTypes | undefined)[];
  try {
    types = sources.map((s) => {
      if (!s.ids.length) return undefined;
      const t = new RecordTypes(s.graph as AggregateRecords);
      (opts.format === "json" ? prepareJson : prepareText)(t, s.ids);
      return t;
    });
  } catch (e) {
    if (e instanceof Unfit || e instanceof InputError) return false;
    throw e;
  }
  const out = new ByteOut(write, opts.reusable);
  if (opts.format === "json") {
    const json = new RecordsJson(out);
    json.begin();
    for (let i = 0; i < sources.length; i++) {
      const t = types[i];
      if (t) json.add(t, sources[i]!.ids);
    }
    json.end();
  } else {
    for (let i = 0; i < sources.length; i++) {
      const heading = sources[i]!.heading;
      if (heading !== undefined) out.text(`${heading}\n\n`);
      const t = types[i];
      if (t) layoutRecordsText(t, sources[i]!.ids, out, opts);
    }
  }
  out.flush();
  return true;
}

/** writeLayoutFromRecords's output as one buffer, or undefined where it declines. */
export function layoutFromRecords(sources: readonly RecordsSource[], opts: RecordsOptions): Buffer | undefined {
  const chunks: Buffer[] = [];
  return writeLayoutFromRecords(sources, opts, (c) => chunks.push(c)) ? Buffer.concat(chunks) : undefined;
}
