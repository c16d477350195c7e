// Reading a git revision file by file would start a process per file at
// once. At most `limit` are in flight.

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
