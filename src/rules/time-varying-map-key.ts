import { at, finding, type Rule } from "./rule.js";
import type { Finding } from "./finding.js";

export const timeVaryingMapKey: Rule = {
  id: "time-varying-map-key",
  title: "Map key taken from a clock",
  description: "BPF code fills a map key field from a clock (bpf_ktime_get_ns and kin) before using the key on a map.",
  severity: "warning",
  docs:
    "A key that holds a timestamp is new every time: an update adds an entry no lookup will ever find again, and a lookup with it never hits. The map only grows until it is full, and then updates fail (or, in an LRU map, evict the entries that mattered). Time belongs in the value; the key should hold what identifies the thing counted. The BPF C source is read for a key variable whose field is assigned from `bpf_ktime_get_ns()`, `bpf_ktime_get_boot_ns()`, `bpf_ktime_get_coarse_ns()`, `bpf_ktime_get_tai_ns()` or `bpf_jiffies64()` (directly or through a local variable) before the key's address is passed to a map lookup or update in the same function.",
  messages: {
    clockKey: "map {{map}}: key field {{keyVar}}.{{field}} is set from {{helper}}() before {{call}}, so every key is new and no lookup can hit it again",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.clockKeys) {
      const refs = ctx.user.flatMap((u) => u.maps.filter((m) => m.name === w.map).map((m) => m.loc));
      out.push(
        finding(
          this,
          "clockKey",
          { map: w.map, keyVar: w.keyVar, field: w.field, helper: w.helper, call: w.call },
          [...at("c", w.assign, `map ${w.map}`), ...at("c", w.use), ...refs.slice(0, 1).flatMap((l) => at("twin", l))],
          { description: `move ${w.field} from the key of ${w.map} into its value`, loc: w.assign },
        ),
      );
    }
    return out;
  },
};
