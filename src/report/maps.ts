import { cTypeName } from "../ir/c-names.js";
import type { TypeGraph } from "../ir/graph.js";
import type { MapDef } from "../ir/maps.js";
import type { SourceLoc } from "../ir/types.js";
import type { Style } from "./style.js";

// The shape of schemas/maps.schema.json, and a table for people.

export interface MapJson {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  keyType: string | null;
  valueType: string | null;
  flags: number;
  origin: MapDef["origin"];
  pinning?: number;
  numaNode?: number;
  mapExtra?: string;
  unsized?: ("key" | "value")[];
  inner?: MapJson;
  location?: SourceLoc;
}

export function mapJson(graph: TypeGraph, m: MapDef): MapJson {
  const out: MapJson = {
    name: m.name,
    type: m.type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    keyType: m.keyType === undefined ? null : cTypeName(graph, m.keyType),
    valueType: m.valueType === undefined ? null : cTypeName(graph, m.valueType),
    flags: m.flags,
    origin: m.origin,
  };
  if (m.pinning !== undefined) out.pinning = m.pinning;
  if (m.numaNode !== undefined) out.numaNode = m.numaNode;
  if (m.mapExtra !== undefined) out.mapExtra = m.mapExtra.toString();
  if (m.unsized?.length) out.unsized = [...m.unsized];
  if (m.inner) out.inner = mapJson(graph, m.inner);
  if (m.loc) out.location = m.loc;
  return out;
}

export function mapsText(maps: MapJson[], style: Style): string {
  const head = ["name", "type", "key", "value", "max_entries", "flags", "key type", "value type"];
  const rows = maps.flatMap((m) => [row(m), ...(m.inner ? [row({ ...m.inner, name: `  └ ${m.inner.name}` })] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [style.comment(line(head)), ...rows.map(line), ""].join("\n");
}

function row(m: MapJson): string[] {
  return [
    m.name,
    m.type,
    m.unsized?.includes("key") ? "?" : String(m.keySize),
    m.unsized?.includes("value") ? "?" : String(m.valueSize),
    String(m.maxEntries),
    m.flags ? `0x${m.flags.toString(16)}` : "0",
    m.keyType ?? "-",
    m.valueType ?? "-",
  ];
}
