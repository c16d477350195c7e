import type { TypeId } from "../../ir/types.js";
import { latin1, type ByteOut } from "./byte-out.js";
import { aggregateKind, keywordOf, STRUCT, UNION, type RecordTypes } from "./record-types.js";

// json.ts's document, `JSON.stringify({ types }, null, 2)` to the byte,
// written from the BTF records straight into the output as bytes, without
// the object tree: `begin`, `aggregate` for each aggregate of each source
// (once prepareJson has asked its records everything: it cannot fail then),
// `end`. Names are copied from the string section where none of them needs
// escaping.

const FIRST = latin1("\n    {\n      \"name\": ");
const NEXT = latin1(",\n    {\n      \"name\": ");
const KIND: Buffer[] = [];
KIND[STRUCT] = latin1(',\n      "kind": "struct",\n      "size": ');
KIND[UNION] = latin1(',\n      "kind": "union",\n      "size": ');
const ALIGN = latin1(',\n      "align": ');
const MEMBERS = latin1(',\n      "members": [');
const FIRST_MEMBER = latin1('\n        {\n          "name": ');
const NEXT_MEMBER = latin1(',\n        {\n          "name": ');
const TYPE = latin1(',\n          "type": ');
const BIT_OFFSET = latin1(',\n          "bitOffset": ');
const BITFIELD_SIZE = latin1(',\n          "bitfieldSize": ');
const SIZE = latin1(',\n          "size": ');
const NULL = latin1("null");
const END_ITEM = latin1("\n        }");
const HOLES_AFTER_MEMBERS = latin1('\n      ],\n      "holes": [');
const HOLES_AFTER_NONE = latin1('],\n      "holes": [');
const FIRST_HOLE = latin1('\n        {\n          "bitOffset": ');
const NEXT_HOLE = latin1(',\n        {\n          "bitOffset": ');
const BIT_SIZE = latin1(',\n          "bitSize": ');
const END_HOLES = latin1("\n      ]");
const END_NO_HOLES = latin1("]");
const TAIL = latin1(',\n      "tailPaddingBits": ');
const FILE = latin1(',\n      "location": {\n        "file": ');
const OFFSET = latin1(',\n        "offset": ');
const END_AGGREGATE = latin1("\n      }\n    }");
const QUOTE = 0x22;
/** Bytes a member or hole holds besides its names: its constant parts and three numbers. */
const ITEM_ROOM = 256;

export class RecordsJson {
  private first = true;
  /** The last location file written, and its JSON. */
  private file?: string;
  private fileJson = "";
  constructor(private readonly out: ByteOut) {}

  begin(): void {
    this.out.text('{\n  "types": [');
  }

  end(): void {
    this.out.text(this.first ? "]\n}\n" : "\n  ]\n}\n");
  }

  /** Aggregate `id`, as layoutJsonTypes lists it; `plain` is `types.namesJsonPlain()`. */
  aggregate(types: RecordTypes, id: TypeId, plain: boolean): void {
    const out = this.out;
    const kind = aggregateKind(types, id);
    const w = types.words;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const bitfields = info >>> 31 === 1;
    const size = w[at + 2]!;
    const totalBits = size * 8;
    const align = types.alignOf(id);
    const { sizes } = types;
    const arena = types.arena.bytes;
    const ends = types.arena.ends;
    out.room(ITEM_ROOM);
    out.put(this.first ? FIRST : NEXT);
    this.first = false;
    this.name(types, w[at]!, plain);
    out.room(ITEM_ROOM);
    out.put(KIND[kind]!);
    out.number(size, 0);
    out.put(ALIGN);
    out.number(align, 0);
    out.put(MEMBERS);
    const holes: number[] = [];
    const problems: string[] = [];
    let end = 0;
    for (let i = 0, q = at + 3; i < n; i++, q += 3) {
      const nameOff = w[q]!;
      const type = w[q + 1]!;
      const word = w[q + 2]!;
      const bitOffset = bitfields ? word & 0xffffff : word;
      const bitSize = bitfields ? word >>> 24 : 0;
      const known = sizes[type]!;
      const typeSize = known >= 0 ? known : types.sizeOf(type);
      const width = bitSize || typeSize * 8;
      if (bitOffset + width > totalBits) problems.push(`member ${types.str(nameOff) || "(anonymous)"} ends at bit ${bitOffset + width}, past the ${keywordOf(kind)}'s ${size} bytes`);
      if (kind === STRUCT) {
        if (bitOffset > end) holes.push(end, bitOffset - end);
        else if (bitOffset < end) problems.push(`member ${types.str(nameOff) || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
      }
      if (bitOffset + width > end) end = bitOffset + width;
      out.room(ITEM_ROOM);
      out.put(i ? NEXT_MEMBER : FIRST_MEMBER);
      this.name(types, nameOff, plain);
      const piece = types.typeNameJson(type);
      const start = ends[piece - 1]!;
      out.room(ITEM_ROOM + ends[piece]! - start);
      out.put(TYPE);
      out.copy(arena, start, ends[piece]!);
      out.put(BIT_OFFSET);
      out.number(bitOffset, 0);
      out.put(BITFIELD_SIZE);
      out.number(bitSize, 0);
      out.put(SIZE);
      // JSON.stringify's spelling of a size only corrupt records make infinite.
      if (Number.isFinite(typeSize)) out.number(typeSize, 0);
      else out.put(NULL);
      out.put(END_ITEM);
    }
    out.room(ITEM_ROOM);
    out.put(n ? HOLES_AFTER_MEMBERS : HOLES_AFTER_NONE);
    for (let h = 0; h < holes.length; h += 2) {
      out.room(ITEM_ROOM);
      out.put(h ? NEXT_HOLE : FIRST_HOLE);
      out.number(holes[h]!, 0);
      out.put(BIT_SIZE);
      out.number(holes[h + 1]!, 0);
      out.put(END_ITEM);
    }
    out.room(ITEM_ROOM);
    out.put(holes.length ? END_HOLES : END_NO_HOLES);
    out.put(TAIL);
    out.number(Math.max(0, totalBits - end), 0);
    if (problems.length) out.text(`,\n      "problems": [${problems.map((p) => `\n        ${JSON.stringify(p)}`).join(",")}\n      ]`);
    const loc = types.r.locOf(id);
    if (loc.file !== this.file) {
      this.file = loc.file;
      this.fileJson = JSON.stringify(loc.file);
    }
    out.room(ITEM_ROOM);
    out.put(FILE);
    out.text(this.fileJson);
    if (loc.offset !== undefined) {
      out.room(ITEM_ROOM);
      out.put(OFFSET);
      out.number(loc.offset, 0);
    }
    out.room(ITEM_ROOM);
    out.put(END_AGGREGATE);
  }

  /** The name at `off` as a JSON string: copied in quotes where no name of its table needs escaping. */
  private name(types: RecordTypes, off: number, plain: boolean): void {
    const out = this.out;
    if (!plain) {
      out.text(JSON.stringify(types.str(off)));
      return;
    }
    const names = types.nameBytes;
    const end = names.indexOf(0, off);
    out.room(end - off + 2);
    out.buf[out.len++] = QUOTE;
    out.copy(names, off, end);
    out.buf[out.len++] = QUOTE;
  }
}
