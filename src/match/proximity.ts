import { basename, dirname } from "node:path";

// How close two files are in a tree: the BPF module a userspace file loads is
// almost always beside it, and bpf2go puts `x_bpfel.go` beside `x_bpfel.o`.

const ORDER = /_bpf(el|eb)\b/;

export function proximity(bpfFile: string, userFile: string): number {
  const a = dirname(bpfFile).split("/");
  const b = dirname(userFile).split("/");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  let score = common * 100;
  if (a.length === b.length && common === a.length) score += 50;
  // C carried inside the userspace file itself (BCC) is its own truth: in a
  // directory of many tools (/usr/sbin), a sibling's table of the same name is not.
  if (bpfFile === userFile) score += 75;
  const ea = ORDER.exec(basename(bpfFile))?.[1];
  const eb = ORDER.exec(basename(userFile))?.[1];
  if (ea && ea === eb) score += 10;
  else if (ea === "el" && !eb) score += 5;
  return score;
}
