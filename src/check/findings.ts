import type { TreeBuild } from "../load/include-paths.js";
import type { Finding } from "../rules/finding.js";
import { RULES } from "../rules/index.js";
import type { RuleContext } from "../rules/rule.js";
import { locateInSource } from "./c-locate.js";
import type { Config } from "./config.js";
import { regenerateFixes } from "./generated-fixes.js";
import type { ProgramsRead } from "./read-programs.js";
import { shownLoc } from "./shown-path.js";
import { isSilenced } from "./suppress.js";

// The fifth stage of a check: every rule the config leaves on, run once over
// the compared context. Each finding's C spans are moved from objects to
// their sources first, so a suppression above the C line counts; then the
// config's severity applies, and a fix that would edit a generated file
// becomes the run of its generator.

export function runRules(ctx: RuleContext, read: ProgramsRead, config: Config, build: TreeBuild): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.id];
    if (setting === "off") continue;
    for (const f of locateInSource(rule.check(ctx), read.sources)) {
      if (isSilenced(f, read.silenced)) continue;
      const shown = { ...f, locations: f.locations.map(shownLoc), ...(f.fix?.loc ? { fix: { ...f.fix, loc: shownLoc(f.fix.loc) } } : {}) };
      findings.push(setting ? { ...shown, severity: setting } : shown);
    }
  }
  return regenerateFixes(findings, read.goTexts, build.bpf2go);
}
