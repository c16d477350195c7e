import type { LayoutMode, UserspaceModule } from "../ir/bindings.js";
import type { TypeGraph } from "../ir/graph.js";
import { TARGETS, type Target } from "../ir/targets.js";
import type { Pairing } from "../match/pair.js";
import type { RuleContext } from "../rules/rule.js";
import type { Config } from "./config.js";
import type { ProgramsRead } from "./read-programs.js";

// The fourth stage of a check: the bytes each side reads and writes. A
// userspace module is laid out once per machine and encoding, on first use,
// whichever rule asks; what the rules compare is handed to them as one
// context.

/** The first 64-bit target compares twins; the 32-bit ones feed arch-dependent-type. */
export function targetsOf(config: Config): { baseTarget: Target; narrowTargets: Target[] } {
  if (!config.targets) return { baseTarget: TARGETS.x86_64, narrowTargets: [TARGETS.i386, TARGETS.armhf] };
  const all = config.targets.map((t) => TARGETS[t]);
  const wide = all.filter((t) => t.scalars.pointer.size === 8);
  const narrow = all.filter((t) => t.scalars.pointer.size === 4);
  return { baseTarget: wide[0] ?? all[0]!, narrowTargets: wide.length ? narrow : narrow.slice(1) };
}

export function compareContext(read: ProgramsRead, pairing: Pairing, targets: { baseTarget: Target; narrowTargets: Target[] }): RuleContext {
  const layouts = new Map<UserspaceModule, Map<string, TypeGraph>>();
  return {
    bpf: read.bpf,
    user: read.user,
    pairing,
    baseTarget: targets.baseTarget,
    narrowTargets: targets.narrowTargets,
    clockKeys: read.clockKeys,
    builds: read.builds,
    layout(u: UserspaceModule, target: Target, mode: LayoutMode): TypeGraph {
      let byKey = layouts.get(u);
      if (!byKey) layouts.set(u, (byKey = new Map()));
      const key = `${target.name}/${mode}`;
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = u.layout(target, mode)));
      return g;
    },
  };
}
