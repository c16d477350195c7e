import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// Peak memory of a child comes from GNU time (Debian's package `time`): node
// reports its own peak (process.resourceUsage), not a child's, and a child
// that reports its own would time a different program.

const TIME = "/usr/bin/time";

/** Whether GNU time is there to measure children's peak memory. */
export const haveGnuTime = existsSync(TIME);

/**
 * spawnSync(cmd, args, options) under GNU time, and the child's peak
 * resident memory (MB) and CPU seconds (user + system) as it reports them;
 * NaN for both without GNU time. GNU time's line is taken off stderr.
 */
export function spawnMeasured(cmd, args, options = {}) {
  if (!haveGnuTime) return { ...spawnSync(cmd, args, options), peakMb: NaN, cpuS: NaN };
  const r = spawnSync(TIME, ["-f", "%M %U %S", cmd, ...args], { ...options, encoding: "utf8" });
  const lines = String(r.stderr).trimEnd().split("\n");
  const [kb, user, sys] = lines.pop().split(" ").map(Number);
  return { ...r, stderr: lines.join("\n"), peakMb: kb / 1024, cpuS: user + sys };
}
