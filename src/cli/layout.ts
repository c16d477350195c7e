import { InputError } from "../ir/errors.js";
import type { TypeId } from "../ir/types.js";
import { readLayouts, type LayoutSource } from "../jobs/index.js";
import { writeLayoutFromRecords } from "../report/layout/records.js";
import { styleFor } from "../report/style.js";
import { stdoutSink } from "./stdout-sink.js";
import type { LayoutOptions } from "./commands/layout.js";

// BTF is formatted from its records, streamed as it is written; every other
// input (and records that path declines) goes through the type graph, whose
// formatters are imported only then.

export async function runLayout(file: string, opts: LayoutOptions): Promise<void> {
  const sources = await readLayouts(file, opts);
  const selected = sources.map((s) => ({ source: s, ids: select(s, opts.type) }));
  if (opts.type) {
    for (const name of opts.type) {
      const wanted = bareName(name);
      if (!sources.some((s) => named(s, name).length > 0)) {
        const unlaid = sources.flatMap((s) => s.unlaid ?? []).find((u) => bareName(u.name) === wanted);
        if (unlaid) throw new InputError(file, `${unlaid.name} cannot be laid out: ${unlaid.why}`);
        throw new InputError(file, `no struct or union named "${wanted}"`);
      }
    }
  }
  const style = styleFor(process.stdout);
  const heading = (s: LayoutSource) => (sources.length > 1 || s.offset ? style.comment(`/* ${file}: BPF object at offset 0x${(s.offset ?? 0).toString(16)} */`) : undefined);
  const fromRecords = await writeLayoutFromRecords(
    selected.map(({ source, ids }) => ({ graph: source.graph, ids, heading: heading(source) })),
    { format: opts.format, cachelines: opts.cachelines, cachelineSize: opts.cachelineSize, style },
    stdoutSink(),
  );
  if (fromRecords) return;
  if (opts.format === "json") {
    const { layoutJsonTypes } = await import("../report/layout/json.js");
    const types = selected.flatMap(({ source, ids }) => layoutJsonTypes(source.graph, ids, source.packedSizes));
    process.stdout.write(`${JSON.stringify({ types }, null, 2)}\n`);
    return;
  }
  const { layoutText } = await import("../report/layout/text.js");
  const { TextBuffer } = await import("../report/text-buffer.js");
  const out = new TextBuffer();
  for (const { source, ids } of selected) {
    const head = heading(source);
    if (head !== undefined) {
      out.line(head);
      out.line("");
    }
    layoutText(source.graph, ids, out, { cachelines: opts.cachelines, cachelineSize: opts.cachelineSize, style, packedSizes: source.packedSizes });
  }
  process.stdout.write(out.bytes());
}

function bareName(name: string): string {
  return name.replace(/^(struct|union)\s+/, "");
}

/** The aggregates of `source` called `name`, found through the graph's index of names: a kernel's BTF decodes no other type. */
function named(source: LayoutSource, name: string): TypeId[] {
  return source.graph.find(bareName(name)).filter((id) => source.ids.includes(id));
}

/** The aggregates of `source` to lay out, in id order. */
function select(source: LayoutSource, names: string[] | undefined): TypeId[] {
  if (!names) return source.ids;
  const wanted = new Set(names.flatMap((n) => named(source, n)));
  return source.ids.filter((id) => wanted.has(id));
}
