import type { Difference, SizeGap, Slot } from "./layout-diff.js";
import { firstDifference, sizeGap } from "./layout-diff.js";
import { at, finding, memberSymbol, type Rule } from "./rule.js";
import type { Finding, FindingData, Fix } from "./finding.js";
import type { TypePair } from "../match/pair.js";
import type { SourceLoc } from "../ir/types.js";
import { resolve } from "../ir/graph.js";
import { byteOrderOf } from "../ir/byte-order.js";
import { readCall, type ReadApi } from "../ir/ts-reads.js";
import { fieldLine, fixedInt } from "./spelling.js";
import { staleHash } from "./stale-generated.js";
import { count } from "../words.js";

export const structMismatch: Rule = {
  id: "struct-mismatch",
  title: "Struct mismatch",
  description: "A userspace type differs from the C type it mirrors in size, members, offsets, widths, signedness, kinds or byte order.",
  severity: "error",
  docs:
    "Userspace reads and writes the bytes of a shared struct with its own declaration. When a member sits at another offset, is wider or narrower, changes signedness or kind, is read in another byte order than C stores it in, or the struct's size differs, the program compiles and runs and reads the wrong bytes. The twin is laid out as its compiler does on the first configured userspace target (x86_64 unless the config says otherwise) and compared with the C layout member by member; padding fields (`_ [N]byte`, C's `pad`, `__reserved[4]`, cgo's `Pad_cgo_0`) and unnamed bitfields are not members, nor is a struct or union that holds nothing else (`union { short : 2; } u`), bytes one side leaves as padding are not the other's to match, a union or struct may be read as raw bytes of its size or as its flattened leaves, and the first difference in offset order is reported, since it usually explains the rest. A twin is compared in the encoding its bytes really cross in: memory for an unsafe cast, encoding/binary's packed stream for binary.Read and for cilium/ebpf's map calls; a type bpf2go generated is held to C's memory only where a sample is cast to it, since bpf2go cannot spell a packed C struct in Go and the type's bytes are right on encoding/binary's wire. Where the sizes differ the message says so first, with the bytes one side lacks and the members that hold them (`procInfo is 280 bytes, C proc_info_t is 368: 88 bytes missing from offset 280 (interpreter, file_info_t)`), then the first member that differs. A Go field tagged `align:\"c_member\"` (cilium's alignchecker) is held to the C member its tag names, and the tags break ties between names. A Go type userspace only decodes from buffers, in any file of its module, and never hands to a map, that agrees with C up to its own end reads a prefix of the record (a header before a payload, or the bytes a program sends before members it keeps to itself): no finding. A difference in signedness alone moves no byte: it is a note, shown and never failing a build (the config's severity for the rule applies to it too). Two arrays of integers of one total size at one offset whose elements differ in width (`u32 addr[4]` against `c_ushort * 8`, an LPM key's address spelt in other words) are the same bytes, like an array of single bytes against any member of its size: no finding, since such a member is nearly always an opaque run of bytes (an address, a hash) each side fills and compares whole; a program that reads the elements one by one is left to review. A TypeScript decoder, and a Go function that reads a sample field by field (`binary.LittleEndian.Uint32(b[4:8])`, `b[12]`, an unsafe load at a constant offset), is its reads: each field sits where the code reads it, as wide and in the byte order it reads, and a nested struct may be read in place by its parent's decoder. Byte order is compared where the twin states one, as every multi-byte TypeScript read does; C stores a member in the object's order unless its type is `__be16`/`__be32`/`__be64` (or `__le*`), and a Go integer or ctypes field holds the bytes as they come, as bpf2go writes `uint32` for `__be32`. A module abidrift generated from an older layout is left to stale-generated.",
  messages: {
    size: "{{twin}} is {{twinSize}} bytes, C {{cType}} is {{cSize}}: {{gap}}",
    missing: "{{sizes}}{{twin}} has no member for {{cMember}} ({{cMemberType}} at offset {{cOffset}}) of {{cType}}",
    extra: "{{sizes}}{{twin}}.{{twinMember}} at offset {{twinOffset}} has no counterpart in {{cType}}",
    offset: "{{sizes}}{{twin}}.{{twinMember}} is at offset {{twinOffset}}, but {{cType}}'s {{cMember}} is at offset {{cOffset}}",
    width: "{{sizes}}{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinWidth}} bytes, but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cWidth}} bytes",
    count: "{{sizes}}{{twin}}.{{twinMember}} ({{twinMemberType}}) has another element count than {{cType}}'s {{cMember}} ({{cMemberType}})",
    signedness: "{{sizes}}{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinSign}}, but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cSign}}",
    kind: "{{sizes}}{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinKind}}, but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cKind}}",
    order: "{{sizes}}{{twin}}.{{twinMember}} is read {{twinOrder}}-endian, but {{cType}}'s {{cMember}} ({{cMemberType}}) is stored {{cOrder}}-endian",
  },
  check(ctx) {
    const out: Finding[] = [];
    // A nested twin paired on its own (ConnTuple) and inside its parent (ConnEvent.tuple) shows one wrong line twice: once is enough.
    // A nested twin found wrong on its own makes its parent's member of that type differ too: told once, by the nested twin.
    const told = new Set<string>();
    const wrong = new Set<string>();
    // A generated module made from an older layout is stale-generated's, nested types and all: its root's hash covers them.
    const stale = new Set(ctx.pairing.types.filter((p) => staleHash(p)).map((p) => p.user.file));
    for (const p of ctx.pairing.types) {
      if (stale.has(p.user.file)) continue;
      const reads = p.user.language === "typescript" || p.twin.reads === true;
      let graph = ctx.layout(p.user, ctx.baseTarget, "native");
      let d = firstDifference(p.c.module.graph, p.c.typeId, graph, p.twin.typeId, { reads });
      if (p.mode === "packed") {
        // What crosses is the encoding/binary stream: a twin of a packed C struct is right there whatever its memory.
        const packed = ctx.layout(p.user, ctx.baseTarget, "packed");
        const dp = firstDifference(p.c.module.graph, p.c.typeId, packed, p.twin.typeId, { reads });
        if (!dp) continue;
        // Padding binary.Read does not skip, where the memory agrees up to there, is binary-read-padding's.
        const decoded = p.user.decodes.some((s) => s.typeId === p.twin.typeId && s.mode === "packed");
        if (decoded && (!d || ("c" in d && "c" in dp && d.c.offset > dp.c.offset))) continue;
        [graph, d] = [packed, dp];
      }
      if (!d || headerOnly(p, d)) continue;
      wrong.add(`${p.user.file}#${p.twin.typeId}`);
      if ("twin" in d && (d.twin.kind === "struct" || d.twin.kind === "union") && wrong.has(`${p.user.file}#${resolve(graph, d.twin.typeId)}`)) continue;
      const gap = sizeGap(p.c.module.graph, p.c.typeId, graph, p.twin.typeId, reads);
      // A field-by-field decoder that stops early, or a decode of a record's prefix whose bytes all sit right, leaves the rest unread, which is no fault.
      const prefix = gap?.longer === "c" && (p.twin.reads === true || (p.decodedOnly && d.what === "signedness"));
      const described = describe(this, p, d, prefix ? undefined : gap);
      // bpf2go cannot spell a packed C struct in Go: where its bytes agree on encoding/binary's wire, the cast is what is wrong, and no regeneration mends it.
      const f = p.castAt && !firstDifference(p.c.module.graph, p.c.typeId, ctx.layout(p.user, ctx.baseTarget, "packed"), p.twin.typeId, { reads }) ? { ...described, fix: castFix(p, p.castAt) } : described;
      const twin = "twin" in d ? d.twin.loc : undefined;
      const key = twin ? `${d.what}@${twin.file}:${twin.line}:${twin.column}` : undefined;
      if (key && told.has(key)) continue;
      if (key) told.add(key);
      // Signedness alone puts no byte in the wrong place: worth a note, not a warning or a failed build.
      out.push(d.what === "signedness" ? { ...f, severity: "note" } : f);
    }
    return out;
  },
};

/**
 * A Go twin decoded from buffers and nowhere handed to a map, in any file
 * that uses it, that agrees with C up to its own end: the decode reads the
 * record's first bytes right, and what follows (a payload, or members the
 * program does not send: `offsetof(struct msg, pe)` bytes of it) is not
 * the twin's to read.
 */
function headerOnly(p: TypePair, d: Difference): boolean {
  if (p.user.language !== "go" || !p.decodedOnly) return false;
  return (d.what === "size" && d.twinSize < d.cSize) || (d.what === "missing" && d.c.offset >= d.twinSize);
}

const sign = (s: boolean | undefined): string => (s ? "signed" : "unsigned");
const KIND_WORDS: Record<Slot["kind"], string> = { int: "an integer", float: "a float", struct: "a struct", union: "a union", array: "an array", other: "another kind" };
const bytes = (n: number): string => count(n, "byte");

/**
 * Where the sizes differ, the bytes one side lacks lead the message: a twin
 * 88 bytes short is that, whatever member the walk meets first.
 */
function gapWords(gap: SizeGap): string {
  const held = gap.members.length === 0 ? "padding" : gap.members.length === 1 ? `${gap.members[0]!.path}, ${gap.members[0]!.typeName}` : listed(gap.members.map((m) => m.path));
  return `${bytes(gap.bytes)} ${gap.longer === "c" ? "missing" : "too many"} from offset ${gap.from} (${held})`;
}

function listed(names: readonly string[]): string {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** Named values of a difference, for the message templates. */
function differenceData(p: TypePair, d: Difference, gap: SizeGap | undefined): FindingData {
  const data: FindingData = { twin: p.twin.name, cType: p.c.name, twinSize: d.twinSize, cSize: d.cSize, sizes: "" };
  if (gap) {
    data.gap = gapWords(gap);
    data.sizes = `${p.twin.name} is ${bytes(d.twinSize)}, C ${p.c.name} is ${d.cSize}: ${data.gap}; `;
  }
  if ("c" in d) {
    Object.assign(data, {
      cMember: d.c.path,
      cMemberType: d.c.typeName,
      cOffset: d.c.offset,
      cWidth: d.c.size,
      cSign: sign(d.c.signed),
      cKind: KIND_WORDS[d.c.kind],
    });
  }
  if ("twin" in d) {
    Object.assign(data, {
      twinMember: d.twin.path,
      twinMemberType: d.twin.typeName,
      twinOffset: d.twin.offset,
      twinWidth: d.twin.size,
      twinSign: sign(d.twin.signed),
      twinKind: KIND_WORDS[d.twin.kind],
    });
  }
  if (d.what === "order") Object.assign(data, { cOrder: d.cOrder, twinOrder: d.twinOrder });
  return data;
}

function loc(slot: Slot | undefined, fallback: SourceLoc | undefined): SourceLoc | undefined {
  return slot?.loc ?? fallback;
}

function describe(rule: Rule, p: TypePair, d: Difference, gap: SizeGap | undefined): Finding {
  const twinSlot = "twin" in d ? d.twin : undefined;
  const cSlot = "c" in d ? d.c : undefined;
  // A decoder that reads past C's end is wrong at its first read there.
  const pastEnd = p.twin.reads && gap?.longer === "twin" ? gap.members[0] : undefined;
  const locations = [...at("twin", loc(twinSlot ?? pastEnd, p.twin.loc)), ...at("c", loc(cSlot, p.c.loc) ?? { file: p.c.module.file }, cSlot ? memberSymbol(p.c.name, cSlot.path) : p.c.name)];
  const fix = p.user.language === "typescript" ? readFix(p, d) : declareFix(p, d);
  return finding(rule, d.what, differenceData(p, d, gap), locations, fix);
}

function castFix(p: TypePair, at: SourceLoc): Fix {
  return {
    description: `${p.twin.name} is generated with Go's alignment, which ${p.c.name} does not have (it holds a packed struct): decode the sample with encoding/binary instead of casting its memory`,
    loc: at,
  };
}

function declareFix(p: TypePair, d: Difference): Fix {
  switch (d.what) {
    case "missing":
      return { description: `add a member for ${d.c.path} (${d.c.typeName}, ${bytes(d.c.size)} at offset ${d.c.offset}) to ${p.twin.name}`, loc: p.twin.loc };
    case "extra":
      return { description: `remove ${p.twin.name}.${d.twin.path}, or add it to ${p.c.name}`, loc: d.twin.loc };
    case "size":
      return { description: `make ${p.twin.name} ${d.cSize} bytes, the size of ${p.c.name}`, loc: p.twin.loc };
    default: {
      const scalar = (d.what === "width" || d.what === "signedness") && d.c.kind === "int" && !d.c.bitfields && d.c.size <= 8;
      const text = scalar ? fieldLine(p.user.language, d.twin.path.split(".").pop()!, fixedInt(p.user, d.c.size, d.c.signed ?? false)) : undefined;
      return {
        description: `declare ${p.twin.name}.${d.twin.path} as ${p.c.name}'s ${d.c.path} (${d.c.typeName}: ${bytes(d.c.size)} at offset ${d.c.offset})`,
        ...(text ? { text } : {}),
        loc: d.twin.loc,
      };
    }
  }
}

/**
 * A TypeScript twin is its decoder, so the fix is the read to write: the
 * call in the decoder's own API with the member's offset from the start of
 * the record its function is handed (a nested struct's decoder counts from
 * the nested struct), as wide, as signed and in the order C stores it.
 */
function readFix(p: TypePair, d: Difference): Fix {
  switch (d.what) {
    case "extra":
      return { description: `remove the read of ${p.twin.name}.${d.twin.path}: ${p.c.name} has nothing at offset ${d.twin.offset}`, loc: d.twin.loc };
    case "size":
      if (apiOf(p) === "binary-parser" && d.twinSize < d.cSize) {
        const seek = `.seek(${d.cSize - d.twinSize})`;
        return { description: `${p.c.name} is ${d.cSize} bytes: end the chain with ${d.cSize - d.twinSize} bytes of padding`, text: seek, loc: p.twin.loc };
      }
      return { description: `${p.c.name} is ${d.cSize} bytes: make ${p.twin.name}'s size ${d.cSize} where the code states it or steps from record to record`, loc: p.twin.loc };
    case "missing": {
      const call = scalarCall(p, d.c, d.c.local);
      return {
        description: `read ${d.c.path} in ${p.twin.name}'s decoder: ${where(p, d.c)}`,
        ...(call ? { text: `${leaf(d.c.path)}: ${receiver(p)}${call}` } : {}),
        loc: p.twin.loc,
      };
    }
    default: {
      // Where the twin's own function counts from: a flat decoder reads a nested member from the record's start.
      const call = scalarCall(p, d.c, d.c.offset - (d.twin.offset - d.twin.local));
      return {
        description: `read ${p.twin.name}.${d.twin.path} as ${where(p, d.c)}`,
        ...(call ? { text: `${receiver(p)}${call}` } : {}),
        loc: d.twin.loc,
      };
    }
  }
}

const leaf = (path: string): string => path.split(".").pop()!;

/** `struct dns_key's daddr (__u32), 4 bytes at offset 4, little-endian`; a nested member's offset counts from its own struct. */
function where(p: TypePair, c: Slot): string {
  const order = c.kind === "int" && c.size > 1 && !c.bitfields ? `, ${byteOrderOf(p.c.module.graph, c.typeId)}-endian` : "";
  const at = c.local !== c.offset ? `offset ${c.local} of the nested struct (${c.offset} in the record)` : `offset ${c.offset}`;
  return `${p.c.name}'s ${c.path} (${c.typeName}), ${bytes(c.size)} at ${at}${order}`;
}

function apiOf(p: TypePair): ReadApi {
  const method = p.user.decodes.find((s) => s.typeId === p.twin.typeId)?.method;
  return method === "Buffer" || method === "binary-parser" ? method : "DataView";
}

function receiver(p: TypePair): string {
  const api = apiOf(p);
  return api === "DataView" ? "view." : api === "Buffer" ? "buf." : ".";
}

/** The read of a C integer or float member, when it is one plain scalar. */
function scalarCall(p: TypePair, c: Slot, offset: number): string | undefined {
  const g = p.c.module.graph;
  const t = g.type(resolve(g, c.typeId));
  if (c.bitfields || c.size > 8) return undefined;
  if (t.kind === "float") return readCall(apiOf(p), { kind: "float", size: c.size, signed: true }, offset, leaf(c.path));
  if (t.kind !== "int" && t.kind !== "enum") return undefined;
  const order = byteOrderOf(g, c.typeId);
  return readCall(apiOf(p), { kind: "int", size: c.size, signed: t.signed, ...(c.size > 1 ? { order } : {}) }, offset, leaf(c.path));
}
