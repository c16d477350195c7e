import { InputError, layoutFromRecords, layoutJsonTypes, layoutText, readLayouts, styleFor, TextBuffer, type LayoutSource, type TypeId } from "../index.js";
import type { LayoutOptions } from "./commands/layout.js";

export async function runLayout(file: string, opts: LayoutOptions): Promise<void> {
  const sources = await readLayouts(file, opts);
  const selected = sources.map((s) => ({ source: s, ids: select(s, opts.type) }));
  if (opts.type) {
    for (const name of opts.type) {
      const wanted = bareName(name);
      if (!selected.some(({ source, ids }) => ids.some((id) => nameOf(source, id) === wanted))) {
        const unlaid = sources.flatMap((s) => s.unlaid ?? []).find((u) => bareName(u.name) === wanted);
        if (unlaid) throw new InputError(file, `${unlaid.name} cannot be laid out: ${unlaid.why}`);
        throw new InputError(file, `no struct or union named "${wanted}"`);
      }
    }
  }
  const style = styleFor(process.stdout);
  const heading = (s: LayoutSource) => (sources.length > 1 || s.offset ? style.comment(`/* ${file}: BPF object at offset 0x${(s.offset ?? 0).toString(16)} */`) : undefined);
  // BTF is formatted from its records; the graph path below takes whatever they cannot say.
  const fast = layoutFromRecords(
    selected.map(({ source, ids }) => ({ graph: source.graph, ids, heading: heading(source) })),
    { format: opts.format, cachelines: opts.cachelines, cachelineSize: opts.cachelineSize, style },
  );
  if (fast) {
    process.stdout.write(fast);
    return;
  }
  if (opts.format === "json") {
    const types = selected.flatMap(({ source, ids }) => layoutJsonTypes(source.graph, ids, source.packedSizes));
    process.stdout.write(`${JSON.stringify({ types }, null, 2)}\n`);
    return;
  }
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

function nameOf(source: LayoutSource, id: TypeId): string {
  const t = source.graph.type(id);
  return "name" in t ? t.name : "";
}

function select(source: LayoutSource, names: string[] | undefined): TypeId[] {
  if (!names) return source.ids;
  const wanted = new Set(names.map(bareName));
  return source.ids.filter((id) => wanted.has(nameOf(source, id)));
}
