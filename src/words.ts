/** `error` or `errors`, as `n` asks. */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `1 error`, `3 errors`. */
export function count(n: number, one: string, many?: string): string {
  return `${n} ${noun(n, one, many)}`;
}
