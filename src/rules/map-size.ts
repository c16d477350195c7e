import { cTypeName } from "../ir/c-names.js";
import { resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import type { TypeId } from "../ir/types.js";
import { fixedInt } from "./spelling.js";
import { isEventStream } from "../ir/map-types.js";
import type { Finding } from "./finding.js";
import { at, finding, mapMode, type Rule, type RuleContext } from "./rule.js";
import { typeInPackage } from "./package-types.js";

// map-key-size and map-value-size are one check on two sides of a map.

type Side = "key" | "value";

export function checkMapSide(rule: Rule, side: Side, ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const p of ctx.pairing.maps) {
    if (isEventStream(p.map.type) || p.map.unsized?.includes(side)) continue;
    const cSize = side === "key" ? p.map.keySize : p.map.valueSize;
    const cTypeId = side === "key" ? p.map.keyType : p.map.valueType;
    const cType = cTypeId !== undefined ? cTypeName(p.bpf.graph, cTypeId) : `${cSize} bytes`;
    const field = side === "key" ? "KeySize" : "ValueSize";
    const cLoc = at("c", p.map.loc ?? { file: p.bpf.file }, `map ${p.map.name}`);
    const declared = side === "key" ? p.ref.keySize : p.ref.valueSize;
    if (declared && declared.value !== cSize) {
      out.push(
        finding(
          rule,
          "declared",
          { map: p.map.name, field, twinSize: declared.value, cSize, cType },
          [...at("twin", declared.loc), ...cLoc],
          p.user.language === "go"
            ? { description: `declare ${field}: ${cSize}, the size of ${cType}`, text: `${field}: ${cSize},`, loc: declared.loc }
            : { description: `declare the ${side} as ${cSize} bytes, the size of ${cType}`, loc: declared.loc },
        ),
      );
    }
    const used = side === "key" ? p.ref.keyType : p.ref.valueType;
    if (!used) continue;
    // cilium/ebpf encodes a typed value; `unsafe.Pointer(&v)` hands over its memory.
    const mode = p.ref.encoding ?? mapMode(p.user);
    const laid = typeInPackage(ctx, p.user, ctx.layout(p.user, ctx.baseTarget, mode), used.value, p.bpf, mode);
    if (!laid) continue;
    const twinSize = sizeOf(laid.graph, laid.typeId);
    if (twinSize === cSize) continue;
    const twin = laid.twin;
    const twinType = twin?.name ?? cTypeName(laid.graph, laid.typeId);
    // A scalar for a scalar: the type to write instead, spelled as the file spells its types.
    const scalar = !twin && cTypeId !== undefined ? intOf(p.bpf.graph, cTypeId) : undefined;
    const text = scalar && cSize <= 8 && p.user.language !== "typescript" ? fixedInt(p.user, cSize, scalar.signed) : undefined;
    out.push(
      finding(
        rule,
        mode === "packed" ? "typedPacked" : "typed",
        { map: p.map.name, twinType, twinSize, cSize, cType },
        [...at("twin", used.loc), ...cLoc, ...(twin ? at("twin", twin.loc) : [])],
        text
          ? { description: `write ${text} for ${twinType}: ${cType} is ${cSize} bytes`, text, loc: used.loc }
          : { description: `make ${twinType} mirror ${cType} (${cSize} bytes)`, loc: twin?.loc ?? used.loc },
      ),
    );
  }
  return out;
}


/** The integer (or enum) a C type is, through typedefs and qualifiers. */
function intOf(graph: TypeGraph, id: TypeId): { signed: boolean } | undefined {
  const t = graph.type(resolve(graph, id));
  if (t.kind === "int") return { signed: t.signed };
  if (t.kind === "enum") return { signed: t.signed };
  return undefined;
}
