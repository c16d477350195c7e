import { resolve } from "../ir/graph.js";
import { locOf } from "../ir/types.js";
import { firstDifference } from "./layout-diff.js";
import { at, finding, memberSymbol, type Rule } from "./rule.js";
import type { Finding } from "./finding.js";
import { paddingField } from "./spelling.js";

export const binaryReadPadding: Rule = {
  id: "binary-read-padding",
  title: "Padding a packed decoder does not skip",
  description: "A packed decoder (Go binary.Read, Python struct) reads a type that lacks the padding C puts in the struct.",
  severity: "error",
  docs:
    "encoding/binary and Python's struct formats read fields back to back: they know nothing of the holes and tail padding a C compiler inserts to align members. A twin that matches the C struct member for member in memory still decodes the wrong bytes when it goes through such a decoder, from the first hole on; a missing tail pad shifts every record after the first in a stream. The fix is an explicit padding field of the right size where C has its hole. A single record decoded from a buffer made for it (`binary.Read(bytes.NewReader(sample), ...)`, one record per ring or perf sample) reads nothing after it: its tail padding is not reported.",
  messages: {
    hole: "{{method}} decodes {{twin}} without the {{bytes}} bytes of padding {{cType}} has before {{cMember}} (offset {{cOffset}}): {{twinMember}} is read from offset {{twinOffset}}",
    tail: "{{method}} decodes {{twin}} as {{twinSize}} bytes, but {{cType}} is {{cSize}} bytes: the {{bytes}} bytes of tail padding are not skipped",
    nestedTail:
      "{{method}} decodes {{twin}}.{{twinMember}} ({{nested}}) as {{nestedTwinSize}} bytes, but {{cType}}'s {{cMember}} ({{nestedC}}) is {{nestedCSize}} bytes: the {{bytes}} bytes of its tail padding are not skipped, so every member after it is read {{bytes}} bytes early",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const u of ctx.user) {
      for (const site of u.decodes) {
        if (site.mode !== "packed") continue;
        const p = ctx.pairing.types.find((t) => t.user === u && t.twin.typeId === site.typeId);
        if (!p) continue;
        const packed = ctx.layout(u, ctx.baseTarget, "packed");
        const d = firstDifference(p.c.module.graph, p.c.typeId, packed, p.twin.typeId);
        if (!d) continue;
        // Where the twin differs from C in memory too, struct-mismatch says so; padding is
        // this rule's only when the natural layout agrees up to the point the packed one parts.
        const natural = firstDifference(p.c.module.graph, p.c.typeId, ctx.layout(u, ctx.baseTarget, "native"), p.twin.typeId);
        if (natural && "c" in natural && "c" in d && natural.c.offset <= d.c.offset) continue;
        const common = { method: site.method, twin: p.twin.name, cType: p.c.name, twinSize: d.twinSize, cSize: d.cSize };
        if (d.what === "offset" && d.twin.offset < d.c.offset) {
          const bytes = d.c.offset - d.twin.offset;
          const line = paddingField(u, "packed", bytes);
          out.push(
            finding(
              this,
              "hole",
              { ...common, bytes, cMember: d.c.path, cOffset: d.c.offset, twinMember: d.twin.path, twinOffset: d.twin.offset },
              [...at("twin", site.loc), ...at("twin", d.twin.loc), ...at("c", d.c.loc ?? p.c.loc ?? { file: p.c.module.file }, memberSymbol(p.c.name, d.c.path))],
              { description: `insert \`${line}\` before ${p.twin.name}.${d.twin.path}`, text: line, ...(d.twin.loc ? { loc: d.twin.loc } : {}) },
            ),
          );
        } else if (d.what === "width" && d.c.kind === "struct" && d.twin.kind === "struct" && d.twin.size < d.c.size) {
          const bytes = d.c.size - d.twin.size;
          const line = paddingField(u, "packed", bytes);
          const nested = packed.type(resolve(packed, d.twin.typeId));
          const nestedName = "name" in nested && nested.name ? nested.name : d.twin.typeName;
          const nestedLoc = locOf(nested);
          out.push(
            finding(
              this,
              "nestedTail",
              {
                ...common,
                bytes,
                twinMember: d.twin.path,
                nested: nestedName,
                nestedTwinSize: d.twin.size,
                cMember: d.c.path,
                nestedC: d.c.typeName,
                nestedCSize: d.c.size,
              },
              [...at("twin", site.loc), ...at("twin", d.twin.loc), ...at("c", d.c.loc ?? p.c.loc ?? { file: p.c.module.file }, memberSymbol(p.c.name, d.c.path))],
              { description: `add \`${line}\` as the last field of ${nestedName}`, text: line, ...(nestedLoc ? { loc: nestedLoc } : {}) },
            ),
          );
        } else if (d.what === "size" && d.twinSize < d.cSize && !site.single) {
          const bytes = d.cSize - d.twinSize;
          const line = paddingField(u, "packed", bytes);
          out.push(
            finding(this, "tail", { ...common, bytes }, [...at("twin", site.loc), ...at("twin", p.twin.loc), ...at("c", p.c.loc ?? { file: p.c.module.file }, p.c.name)], {
              description: `add \`${line}\` as the last field of ${p.twin.name}`,
              text: line,
              loc: p.twin.loc,
            }),
          );
        }
      }
    }
    return out;
  },
};
