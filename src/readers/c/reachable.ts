import { needsOf, type DeclIndex, type Key } from "./decl-index.js";

// Which declarations of big headers a program reaches: those defining a
// name its own text uses, then, transitively, those defining a name they
// need. A record named only through a pointer is not needed: the pointer's
// layout is the same whether its target is defined or only declared.

/** Per index, the numbers of the declarations reached from `roots` and from the indexes' own roots, in text order. */
export function reachable(indexes: readonly DeclIndex[], roots: Iterable<Key>): number[][] {
  const chosen = indexes.map(() => new Set<number>());
  const seen = new Set<Key>();
  const work: Key[] = [];
  const use = (k: Key): void => {
    if (seen.has(k)) return;
    seen.add(k);
    work.push(k);
  };
  const take = (x: number, i: number): void => {
    if (chosen[x]!.has(i)) return;
    chosen[x]!.add(i);
    for (const k of needsOf(indexes[x]!, i)) use(k);
  };
  indexes.forEach((index, x) => index.decls.forEach((d, i) => d.root && take(x, i)));
  for (const k of roots) use(k);
  while (work.length) {
    const k = work.pop()!;
    indexes.forEach((index, x) => {
      for (const i of index.definers.get(k) ?? []) take(x, i);
    });
  }
  return chosen.map((s) => [...s].sort((a, b) => a - b));
}
