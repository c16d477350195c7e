import type { Difference, Slot } from "./layout-diff.js";
import { firstDifference } from "./layout-diff.js";
import { at, finding, memberSymbol, type Rule } from "./rule.js";
import type { Finding, FindingData } from "./finding.js";
import type { TypePair } from "../match/pair.js";
import type { SourceLoc } from "../ir/types.js";
import { fixedInt } from "./spelling.js";

export const structMismatch: Rule = {
  id: "struct-mismatch",
  title: "Struct mismatch",
  description: "A userspace type differs from the C type it mirrors in size, members, offsets, widths, signedness or kinds.",
  severity: "error",
  docs:
    "Userspace reads and writes the bytes of a shared struct with its own declaration. When a member sits at another offset, is wider or narrower, changes signedness or kind, or the struct's size differs, the program compiles and runs and reads the wrong bytes. The twin is laid out as its compiler does on the first configured userspace target (x86_64 unless the config says otherwise) and compared with the C layout member by member; padding fields (`_ [N]byte`) and unnamed bitfields are not members, and the first difference in offset order is reported, since it usually explains the rest.",
  messages: {
    size: "{{twin}} is {{twinSize}} bytes but {{cType}} is {{cSize}} bytes",
    missing: "{{twin}} has no member for {{cMember}} ({{cMemberType}} at offset {{cOffset}}) of {{cType}}",
    extra: "{{twin}}.{{twinMember}} at offset {{twinOffset}} has no counterpart in {{cType}}",
    offset: "{{twin}}.{{twinMember}} is at offset {{twinOffset}}, but {{cType}}'s {{cMember}} is at offset {{cOffset}}",
    width: "{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinWidth}} bytes, but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cWidth}} bytes",
    count: "{{twin}}.{{twinMember}} ({{twinMemberType}}) has another element count than {{cType}}'s {{cMember}} ({{cMemberType}})",
    signedness: "{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinSign}}, but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cSign}}",
    kind: "{{twin}}.{{twinMember}} ({{twinMemberType}}) is a {{twinKind}}, but {{cType}}'s {{cMember}} ({{cMemberType}}) is a {{cKind}}",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.pairing.types) {
      const graph = ctx.layout(p.user, ctx.baseTarget, "native");
      const d = firstDifference(p.c.module.graph, p.c.typeId, graph, p.twin.typeId);
      if (d) out.push(describe(this, p, d));
    }
    return out;
  },
};

const sign = (s: boolean | undefined): string => (s ? "signed" : "unsigned");

/** Named values of a difference, shared with the rules that reuse the comparison. */
export function differenceData(p: TypePair, d: Difference): FindingData {
  const data: FindingData = { twin: p.twin.name, cType: p.c.name, twinSize: d.twinSize, cSize: d.cSize };
  if ("c" in d) {
    Object.assign(data, {
      cMember: d.c.path,
      cMemberType: d.c.typeName,
      cOffset: d.c.offset,
      cWidth: d.c.size,
      cSign: sign(d.c.signed),
      cKind: d.c.kind,
    });
  }
  if ("twin" in d) {
    Object.assign(data, {
      twinMember: d.twin.path,
      twinMemberType: d.twin.typeName,
      twinOffset: d.twin.offset,
      twinWidth: d.twin.size,
      twinSign: sign(d.twin.signed),
      twinKind: d.twin.kind,
    });
  }
  return data;
}

function loc(slot: Slot | undefined, fallback: SourceLoc | undefined): SourceLoc | undefined {
  return slot?.loc ?? fallback;
}

function describe(rule: Rule, p: TypePair, d: Difference): Finding {
  const twinSlot = "twin" in d ? d.twin : undefined;
  const cSlot = "c" in d ? d.c : undefined;
  const locations = [...at("twin", loc(twinSlot, p.twin.loc)), ...at("c", loc(cSlot, p.c.loc) ?? { file: p.c.module.file }, cSlot ? memberSymbol(p.c.name, cSlot.path) : p.c.name)];
  let fix: { description: string; text?: string; loc?: SourceLoc } | undefined;
  switch (d.what) {
    case "missing":
      fix = { description: `add a member for ${d.c.path} (${d.c.typeName}, ${d.c.size} bytes at offset ${d.c.offset}) to ${p.twin.name}`, loc: p.twin.loc };
      break;
    case "extra":
      fix = { description: `remove ${p.twin.name}.${d.twin.path}, or add it to ${p.c.name}`, loc: d.twin.loc };
      break;
    case "size":
      fix = { description: `make ${p.twin.name} ${d.cSize} bytes, the size of ${p.c.name}`, loc: p.twin.loc };
      break;
    default: {
      const scalar = (d.what === "width" || d.what === "signedness") && d.c.kind === "int" && !d.c.bitfields && d.c.size <= 8;
      const text = scalar ? `${d.twin.path.split(".").pop()} ${fixedInt(p.user.language, d.c.size, d.c.signed ?? false)}` : undefined;
      fix = {
        description: `declare ${p.twin.name}.${d.twin.path} as ${p.c.name}'s ${d.c.path} (${d.c.typeName}: ${d.c.size} bytes at offset ${d.c.offset})`,
        ...(text ? { text } : {}),
        loc: d.twin.loc,
      };
    }
  }
  return finding(rule, d.what, differenceData(p, d), locations, fix);
}
