import type { TypeId } from "../../ir/types.js";
import type { Btf } from "./btf.js";

/** Ids of the named structs and unions, found without decoding the rest. */
export function btfAggregates(btf: Btf): TypeId[] {
  return btf.namedAggregates();
}
