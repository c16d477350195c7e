// Reading a whole tree at once opens every file at once: a repository of
// tens of thousands of files runs out of descriptors (EMFILE), and a git
// revision would start a process per file. At most `limit` are in flight.

/** Files open at once while a tree is read. */
export const FILES_IN_FLIGHT = 64;
/** git processes at once while a revision is read. */
export const PROCESSES_IN_FLIGHT = 8;

/** `fn` over `items` with at most `limit` calls pending; results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
