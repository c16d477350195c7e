import { firstDifference, type Difference } from "./layout-diff.js";
import { at, finding, memberSymbol, type Rule } from "./rule.js";
import type { TypePair } from "../match/pair.js";
import type { Finding } from "./finding.js";
import { fieldLine, fixedInt, paddingField } from "./spelling.js";

export const archDependentType: Rule = {
  id: "arch-dependent-type",
  title: "Layout that changes on 32-bit userspace",
  description: "A twin that matches its C type on 64-bit userspace but not on a 32-bit target (word-sized types, 8-byte members aligned to 4).",
  severity: "warning",
  docs:
    "The BPF side is always 64-bit: `long` and pointers are 8 bytes and 8-byte members are aligned to 8. A userspace twin built for i386 or 32-bit ARM sees Go's `int`, `uint` and `uintptr`, ctypes' `c_long` and `c_void_p` shrink to 4 bytes, and Go on 386 and arm aligns `uint64` to 4, so members after them move. Word-sized members are always reported; moved members only for twins userspace reads in place (unsafe casts, ctypes), since encoding/binary, which cilium/ebpf uses for map keys and values, has no alignment. The twin is laid out for every 32-bit target in the config (i386 and armhf when the config names none) and compared with the C layout, once it agrees on the 64-bit target; fixed-width types and explicit padding make it portable.",
  messages: {
    word: "{{twin}}.{{twinMember}} ({{twinMemberType}}) is {{twinWidth}} bytes on {{target}} but {{cType}}'s {{cMember}} ({{cMemberType}}) is {{cWidth}} bytes",
    align: "{{twin}}.{{twinMember}} is at offset {{twinOffset}} on {{target}} but {{cType}}'s {{cMember}} is at offset {{cOffset}}: {{target}} aligns {{cMemberType}} to less than the BPF side does",
    size: "{{twin}} is {{twinSize}} bytes on {{target}} but {{cType}} is {{cSize}} bytes",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.pairing.types) {
      const c = p.c.module.graph;
      if (firstDifference(c, p.c.typeId, ctx.layout(p.user, ctx.baseTarget, "native"), p.twin.typeId)) continue;
      const failing: { target: string; d: Difference }[] = [];
      for (const target of ctx.narrowTargets) {
        const d = firstDifference(c, p.c.typeId, ctx.layout(p.user, target, "native"), p.twin.typeId);
        if (d) failing.push({ target: target.name, d });
      }
      const first = failing[0];
      if (!first) continue;
      const { d } = first;
      const target = failing.map((f) => f.target).join(", ");
      const base = { twin: p.twin.name, cType: p.c.name, target, twinSize: d.twinSize, cSize: d.cSize };
      // Alignment only matters where userspace reads the twin's own memory;
      // encoding/binary, which cilium/ebpf uses for map keys and values, has none.
      if (d.what !== "width" && !readsMemory(p)) continue;
      if (d.what === "size" || !("c" in d) || !("twin" in d)) {
        out.push(
          finding(this, "size", base, [...at("twin", p.twin.loc), ...at("c", p.c.loc ?? { file: p.c.module.file }, p.c.name)], {
            description: `give ${p.twin.name} fixed-width members and explicit padding`,
            loc: p.twin.loc,
          }),
        );
        continue;
      }
      const data = {
        ...base,
        twinMember: d.twin.path,
        twinMemberType: d.twin.typeName,
        twinWidth: d.twin.size,
        twinOffset: d.twin.offset,
        cMember: d.c.path,
        cMemberType: d.c.typeName,
        cWidth: d.c.size,
        cOffset: d.c.offset,
      };
      const locations = [...at("twin", d.twin.loc ?? p.twin.loc), ...at("c", d.c.loc ?? p.c.loc ?? { file: p.c.module.file }, memberSymbol(p.c.name, d.c.path))];
      if (d.what === "offset" && d.twin.offset < d.c.offset) {
        const line = paddingField(p.user, "native", d.c.offset - d.twin.offset);
        out.push(
          finding(this, "align", data, locations, {
            description: `insert \`${line}\` before ${p.twin.name}.${d.twin.path} so that every target places it at offset ${d.c.offset}`,
            text: line,
            ...(d.twin.loc ? { loc: d.twin.loc } : {}),
          }),
        );
      } else {
        const line = fieldLine(p.user.language, d.twin.path.split(".").pop()!, fixedInt(p.user, d.c.size, d.c.signed ?? false));
        out.push(finding(this, "word", data, locations, { description: `declare ${p.twin.name}.${d.twin.path} with a fixed width of ${d.c.size} bytes`, text: line, ...(d.twin.loc ? { loc: d.twin.loc } : {}) }));
      }
    }
    return out;
  },
};

/** Whether userspace uses the twin's in-memory layout: unsafe casts, ctypes, anything but Go's encoders. */
function readsMemory(p: TypePair): boolean {
  if (p.user.language !== "go") return true;
  return p.user.decodes.some((d) => d.typeId === p.twin.typeId && d.mode === "native");
}
