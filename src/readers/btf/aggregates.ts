import type { TypeId } from "../../ir/types.js";
import type { Btf } from "./btf.js";
import { Kind } from "./wire.js";

/** Ids of the named structs and unions, found without decoding the rest. */
export function btfAggregates(btf: Btf): TypeId[] {
  const ids: TypeId[] = [];
  for (let id = btf.firstId; id < btf.count; id++) {
    const k = btf.kindOf(id);
    if ((k === Kind.STRUCT || k === Kind.UNION) && btf.nameOf(id) !== "") ids.push(id);
  }
  return ids;
}
