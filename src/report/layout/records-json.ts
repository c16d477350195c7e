import type { TypeId } from "../../ir/types.js";
import type { TextOut } from "./text-out.js";
import { aggregateKind, keywordOf, STRUCT, type RecordTypes } from "./record-types.js";

// json.ts's document, `JSON.stringify({ types }, null, 2)` to the byte,
// written from the BTF records straight into the output, without the object
// tree: `begin`, `add` for each source (once prepareJson has asked its
// records everything: it cannot fail then), `end`.

export class RecordsJson {
  private first = true;
  constructor(private readonly out: TextOut) {}

  begin(): void {
    this.out.add('{\n  "types": [');
  }

  /** The aggregates `ids` of one source, as layoutJsonTypes lists them. */
  add(types: RecordTypes, ids: readonly TypeId[]): void {
    const plain = types.namesJsonPlain();
    for (const id of ids) this.aggregate(types, id, plain);
  }

  end(): void {
    this.out.add(this.first ? "]\n}\n" : "\n  ]\n}\n");
  }

  private aggregate(types: RecordTypes, id: TypeId, plain: boolean): void {
    const kind = aggregateKind(types, id);
    const w = types.words;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const bitfields = info >>> 31 === 1;
    const size = w[at + 2]!;
    const totalBits = size * 8;
    const align = types.alignOf(id);
    const keyword = keywordOf(kind);
    let s = `${this.first ? "\n    {" : ",\n    {"}\n      "name": ${quote(types.name(id), plain)},\n      "kind": "${keyword}",\n      "size": ${size},\n      "align": ${align},\n      "members": [`;
    this.first = false;
    const holes: number[] = [];
    const problems: string[] = [];
    let end = 0;
    for (let i = 0, q = at + 3; i < n; i++, q += 3) {
      const name = types.str(w[q]!);
      const type = w[q + 1]!;
      const word = w[q + 2]!;
      const bitOffset = bitfields ? word & 0xffffff : word;
      const bitSize = bitfields ? word >>> 24 : 0;
      const known = types.sizes[type]!;
      const typeSize = known >= 0 ? known : types.sizeOf(type);
      const width = bitSize || typeSize * 8;
      if (bitOffset + width > totalBits) problems.push(`member ${name || "(anonymous)"} ends at bit ${bitOffset + width}, past the ${keyword}'s ${size} bytes`);
      if (kind === STRUCT) {
        if (bitOffset > end) holes.push(end, bitOffset - end);
        else if (bitOffset < end) problems.push(`member ${name || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
      }
      if (bitOffset + width > end) end = bitOffset + width;
      // JSON.stringify's spelling of a size only corrupt records make infinite.
      s += `${i ? ",\n        {" : "\n        {"}\n          "name": ${quote(name, plain)},\n          "type": ${types.typeNameJson(type)},\n          "bitOffset": ${bitOffset},\n          "bitfieldSize": ${bitSize},\n          "size": ${Number.isFinite(typeSize) ? typeSize : "null"}\n        }`;
    }
    s += n ? '\n      ],\n      "holes": [' : '],\n      "holes": [';
    for (let h = 0; h < holes.length; h += 2) {
      s += `${h ? ",\n        {" : "\n        {"}\n          "bitOffset": ${holes[h]},\n          "bitSize": ${holes[h + 1]}\n        }`;
    }
    s += holes.length ? "\n      ]" : "]";
    s += `,\n      "tailPaddingBits": ${Math.max(0, totalBits - end)}`;
    if (problems.length) s += `,\n      "problems": [${problems.map((p) => `\n        ${JSON.stringify(p)}`).join(",")}\n      ]`;
    const loc = types.r.locOf(id);
    s += `,\n      "location": {\n        "file": ${JSON.stringify(loc.file)}`;
    if (loc.offset !== undefined) s += `,\n        "offset": ${loc.offset}`;
    this.out.add(`${s}\n      }\n    }`);
  }
}

/** A name as a JSON string: in quotes as it is where no name of its table needs escaping. */
function quote(name: string, plain: boolean): string {
  return plain ? `"${name}"` : JSON.stringify(name);
}
