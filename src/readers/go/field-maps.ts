import type { SourceLoc } from "../../ir/types.js";

// Map handles kept in struct fields (`r.hash.Lookup(&k, &v)`): the field
// names a map only where its package gives it one, in any of its files, by
// `x.hash = coll.Maps["rate_map"]` or a literal `T{hash: objs.RateMap}`. A field given
// several maps, or a value the reader cannot name, names none: its uses
// pair with no map, and a note says which maps it was given.

export interface FieldSource {
  /** The C map's name; absent for a value the reader cannot name (a parameter). */
  map?: string;
  via?: string;
  loc: SourceLoc;
}

export type FieldMap = { name: string; via: string } | { ambiguous: FieldSource[] };

export class FieldMaps {
  private readonly byField = new Map<string, FieldSource[]>();

  /** `owner` is the struct type's name, `field` the field's: `rateLimiter.hash`. */
  add(owner: string, field: string, source: FieldSource): void {
    const key = `${owner}.${field}`;
    const list = this.byField.get(key) ?? [];
    list.push(source);
    this.byField.set(key, list);
  }

  /** Where this file sets the field. */
  sources(owner: string, field: string): readonly FieldSource[] {
    return this.byField.get(`${owner}.${field}`) ?? [];
  }

  /**
   * The map a field holds wherever it is used, or the sources that
   * disagree; undefined when neither the file nor, as `elsewhere` says,
   * another file of its package sets it.
   */
  of(owner: string, field: string, elsewhere: readonly FieldSource[] = []): FieldMap | undefined {
    const sources = [...this.sources(owner, field), ...elsewhere];
    if (sources.length === 0) return undefined;
    const names = new Set(sources.map((s) => s.map));
    const first = sources[0]!;
    if (names.size === 1 && first.map !== undefined) return { name: first.map, via: `${owner}.${field} set from ${first.via ?? first.map}` };
    return { ambiguous: sources };
  }
}
