import { InputError } from "../../ir/errors.js";
import type { TypeId } from "../../ir/types.js";
import type { Style } from "../style.js";
import { TextBuffer } from "../text-buffer.js";
import { ByteOut } from "./byte-out.js";
import { RecordTypes, Unfit, type AggregateRecords } from "./record-types.js";
import { RecordsJson } from "./records-json.js";
import { layoutRecordsText, textSizeHint } from "./records-text.js";

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
  return typeof (graph as Partial<AggregateRecords>).sound === "function" && typeof (graph as Partial<AggregateRecords>).word === "function";
}

/**
 * The whole output of `layout` for these sources, formatted from the BTF
 * records, or undefined where the graph path must do it: a source that is
 * not BTF, or records the graph path would reject or spell differently
 * (it then prints the same thing or says what is wrong).
 */
export function layoutFromRecords(sources: readonly RecordsSource[], opts: RecordsOptions): Buffer | undefined {
  if (!sources.every((s) => s.ids.length === 0 || hasRecords(s.graph))) return undefined;
  try {
    let size = 64;
    for (const s of sources) if (s.ids.length) size += textSizeHint(s.graph as AggregateRecords, s.ids);
    if (opts.format === "json") {
      const out = new TextBuffer(size * 2);
      const json = new RecordsJson(out);
      json.begin();
      for (const s of sources) if (s.ids.length) json.add(new RecordTypes(s.graph as AggregateRecords), s.ids);
      json.end();
      return out.bytes();
    }
    const out = new ByteOut(size);
    for (const s of sources) {
      if (s.heading !== undefined) {
        out.line(s.heading);
        out.line("");
      }
      if (s.ids.length) layoutRecordsText(new RecordTypes(s.graph as AggregateRecords), s.ids, out, opts);
    }
    return out.bytes();
  } catch (e) {
    if (e instanceof Unfit || e instanceof InputError) return undefined;
    throw e;
  }
}
