import { at, finding, type Rule } from "./rule.js";
import type { Finding } from "./finding.js";
import { editDistance } from "../match/names.js";

export const unknownMap: Rule = {
  id: "unknown-map",
  title: "Unknown map",
  description: "Userspace names a map that no BPF program in the repository defines.",
  severity: "warning",
  docs:
    "A loader that looks a map up by a name the BPF object does not have fails at load time at best, and reads nothing at worst. Usually it is a typo or a map renamed on one side only. A map userspace defines itself, with an `ebpf.MapSpec` literal of that name (what `ebpf.NewMap` creates), is its own definition and not unknown; struct_ops maps (`SEC(\".struct_ops\")`, `SEC(\".struct_ops.link\")`) count as libbpf makes them; and a map declared in the tree's C under a preprocessor condition (`#ifdef METRICS`) exists in some builds. The rule runs only when the check found at least one BPF program, and suggests the nearest name there is.",
  messages: {
    unknown: "no BPF program defines a map named {{map}}",
    suggest: "no BPF program defines a map named {{map}}; did you mean {{suggestion}}?",
  },
  check(ctx) {
    if (ctx.bpf.length === 0) return [];
    const names = [...new Set(ctx.bpf.flatMap((b) => b.maps.map((m) => m.name)))];
    const out: Finding[] = [];
    // Which names are unknown is pairing's one decision; this only words it.
    for (const { ref } of ctx.pairing.unknownMaps) {
      let suggestion: string | undefined;
      let best = Math.max(2, Math.floor(ref.name.length / 3)) + 1;
      for (const n of names) {
        const d = editDistance(ref.name, n);
        if (d < best) {
          best = d;
          suggestion = n;
        }
      }
      const loc = ref.loc;
      out.push(
        suggestion
          ? finding(this, "suggest", { map: ref.name, suggestion }, at("twin", loc), { description: `rename the map to ${suggestion}`, text: `"${suggestion}"`, loc })
          : finding(this, "unknown", { map: ref.name }, at("twin", loc), { description: `define ${ref.name} in the BPF program, or remove it from userspace`, loc }),
      );
    }
    return out;
  },
};
