import { readFileSync } from "node:fs";

/**
 * CPU milliseconds (user + system) of the children this process has waited
 * for, from /proc; undefined off Linux. The kernel counts in 1/100 s ticks
 * (USER_HZ), so only sums over many runs are meaningful.
 */
export function childCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name start at field 3; cutime and cstime are fields 16 and 17.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return undefined;
  }
}
