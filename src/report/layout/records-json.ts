import type { TypeId } from "../../ir/types.js";
import type { TextBuffer } from "../text-buffer.js";
import { Unfit, type RecordTypes } from "./record-types.js";

// json.ts's document, `JSON.stringify({ types }, null, 2)` to the byte,
// written from the BTF records straight into the output buffer, without
// the object tree: `begin`, `add` for each source, `end`.

export class RecordsJson {
  private first = true;
  constructor(private readonly out: TextBuffer) {}

  begin(): void {
    this.out.text('{\n  "types": [');
  }

  /** The aggregates `ids` of one source, as layoutJsonTypes lists them. */
  add(types: RecordTypes, ids: readonly TypeId[]): void {
    for (const id of ids) this.aggregate(types, id);
  }

  end(): void {
    this.out.text(this.first ? "]\n}\n" : "\n  ]\n}\n");
  }

  private aggregate(types: RecordTypes, id: TypeId): void {
    const out = this.out;
    const r = types.r;
    const kind = types.kind(id);
    if (kind !== "struct" && kind !== "union") throw new Unfit(`type ${id} is not an aggregate`);
    const size = r.sizeOrType(id);
    const totalBits = size * 8;
    const n = r.vlen(id);
    const bitfields = r.kindFlag(id);
    const align = types.alignOf(id);
    out.text(this.first ? "\n    {" : ",\n    {");
    this.first = false;
    this.field("name", r.nameOf(id), 6, true);
    this.field("kind", kind, 6);
    this.field("size", size, 6);
    this.field("align", align, 6);
    out.text(',\n      "members": [');
    const holes: number[] = [];
    const problems: string[] = [];
    let end = 0;
    const { view, at, le } = r.entries(id);
    for (let i = 0, p = at; i < n; i++, p += 12) {
      const name = types.name(view.getUint32(p, le));
      const type = view.getUint32(p + 4, le);
      const word = view.getUint32(p + 8, le);
      const bitOffset = bitfields ? word & 0xffffff : word;
      const bitSize = bitfields ? word >>> 24 : 0;
      const typeSize = types.sizeOf(type);
      const width = bitSize || typeSize * 8;
      if (bitOffset + width > totalBits) problems.push(`member ${name || "(anonymous)"} ends at bit ${bitOffset + width}, past the ${kind}'s ${size} bytes`);
      if (kind === "struct") {
        if (bitOffset > end) holes.push(end, bitOffset - end);
        else if (bitOffset < end) problems.push(`member ${name || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
      }
      end = Math.max(end, bitOffset + width);
      out.text(i ? ",\n        {" : "\n        {");
      this.field("name", name, 10, true);
      this.field("type", types.typeName(type), 10);
      this.field("bitOffset", bitOffset, 10);
      this.field("bitfieldSize", bitSize, 10);
      this.field("size", typeSize, 10);
      out.text("\n        }");
    }
    out.text(n ? "\n      ]" : "]");
    out.text(',\n      "holes": [');
    for (let h = 0; h < holes.length; h += 2) {
      out.text(h ? ",\n        {" : "\n        {");
      this.field("bitOffset", holes[h]!, 10, true);
      this.field("bitSize", holes[h + 1]!, 10);
      out.text("\n        }");
    }
    out.text(holes.length ? "\n      ]" : "]");
    this.field("tailPaddingBits", Math.max(0, totalBits - end), 6);
    if (problems.length) {
      out.text(',\n      "problems": [');
      problems.forEach((p, i) => {
        out.text(i ? ",\n        " : "\n        ");
        this.string(p);
      });
      out.text("\n      ]");
    }
    const loc = r.locOf(id);
    out.text(',\n      "location": {');
    this.field("file", loc.file, 8, true);
    if (loc.offset !== undefined) this.field("offset", loc.offset, 8);
    out.text("\n      }");
    out.text("\n    }");
  }

  private field(key: string, value: string | number, indent: number, first = false): void {
    const out = this.out;
    out.text(first ? "\n" : ",\n");
    out.spaces(indent);
    out.text('"');
    out.text(key);
    out.text('": ');
    if (typeof value === "number") out.text(JSON.stringify(value));
    else this.string(value);
  }

  /** A JSON string: as is when nothing in it needs escaping, which is nearly always. */
  private string(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.out.text(JSON.stringify(s));
        return;
      }
    }
    this.out.text('"');
    this.out.text(s);
    this.out.text('"');
  }
}
